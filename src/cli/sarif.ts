import { nodeCrypto } from '../core/lazy-crypto.js';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../core/diagnostic.js';
import { DOCS_URL, githubAnchor, RULES, type RuleInfo } from './sarif-rules.js';

export interface SarifContext {
  cwd: string;
  /** What `%SRCROOT%` stands for: the repository root (a checkout's root is what code scanning resolves against), else cwd. */
  root: string;
  /** nixpod's version, for tool.driver. */
  version: string;
  /** The text of a file a diagnostic names (undefined when it cannot be read): its lines feed the fingerprints. */
  textOf: (path: string) => string | undefined;
}

const SCHEMA = 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';
/** The fingerprint's name says how it is made: a new way gets a new version, so old alerts are not matched wrongly. */
const FINGERPRINT = 'nixpodLineHash/v1';

/**
 * SARIF 2.1.0 for code-scanning uploads (`github/codeql-action/upload-sarif`):
 * one run, its rules with their help, one result per diagnostic located by a
 * URI relative to `%SRCROOT%` and a region, and a fingerprint made of the rule,
 * the file and the text of the line (not its number), so an alert keeps its
 * identity when lines are added above it.
 */
export function formatSarif(diagnostics: readonly Diagnostic[], ctx: SarifContext): string {
  const ids = [...new Set(diagnostics.map((d) => d.rule))].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const rules = ids.map((id) => ruleDescriptor(id, RULES[id] ?? fallback(id, diagnostics)));
  const seen = new Map<string, number>();
  const lines = linesCache(ctx.textOf);
  const results = diagnostics.map((d) => {
    const location = artifactLocation(d.path, ctx);
    const lineText = lines(d.path)[d.line - 1] ?? '';
    const hash = nodeCrypto().createHash('sha256').update(`${d.rule}\0${location.uri}\0${lineText.trim()}`).digest('hex').slice(0, 32);
    // The same finding twice on equal lines: numbered in file order, as CodeQL does.
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    return {
      ruleId: d.rule,
      ruleIndex: index.get(d.rule) as number,
      level: d.severity,
      message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: { startLine: Math.max(1, d.line), startColumn: Math.max(1, d.col) } } }],
      partialFingerprints: { [FINGERPRINT]: `${hash}:${n}` },
    };
  });
  const driver = { name: 'nixpod', version: ctx.version, semanticVersion: ctx.version, informationUri: DOCS_URL, rules };
  const run = { tool: { driver }, originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(ctx.root.endsWith(sep) ? ctx.root : ctx.root + sep).href } }, columnKind: 'utf16CodeUnits', results };
  return JSON.stringify({ $schema: SCHEMA, version: '2.1.0', runs: [run] }, null, 2) + '\n';
}

function ruleDescriptor(id: string, info: RuleInfo): object {
  const helpUri = `${DOCS_URL}#${githubAnchor(info.section)}`;
  const section = info.section.replace(/`/g, '');
  return {
    id,
    shortDescription: { text: info.short },
    help: { text: `${info.short}. See "${section}" in nixpod's README: ${helpUri}`, markdown: `${info.short}. See [${section}](${helpUri}) in nixpod's README.` },
    helpUri,
    defaultConfiguration: { level: info.level },
    properties: { tags: ['nixpod', info.level === 'error' ? 'correctness' : 'maintainability'] },
  };
}

/** A rule the catalogue does not know yet: described by its id, at the level it was reported with. */
function fallback(id: string, diagnostics: readonly Diagnostic[]): RuleInfo {
  const level = diagnostics.find((d) => d.rule === id)?.severity ?? 'warning';
  return { level, short: `nixpod rule ${id}`, section: 'Checks' };
}

/** A path relative to %SRCROOT% as a URI reference (each segment percent-encoded); a file outside it gets an absolute file: URI. */
function artifactLocation(path: string, ctx: SarifContext): { uri: string; uriBaseId?: string } {
  const abs = resolve(ctx.cwd, path);
  const rel = relative(ctx.root, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function linesCache(textOf: (path: string) => string | undefined): (path: string) => string[] {
  const cache = new Map<string, string[]>();
  return (path) => {
    let lines = cache.get(path);
    if (!lines) cache.set(path, (lines = (textOf(path) ?? '').split('\n').map((l) => l.replace(/\r$/, ''))));
    return lines;
  };
}
