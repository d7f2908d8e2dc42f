import { isMap as isYamlMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { finding, withPath, type Diagnostic, type Finding, type Position } from '../diagnostic.js';
import { closestMatch } from '../suggest.js';
import { globProblem, globToRegExp } from './glob.js';
import { isMap, type Issue, type ValuePath } from './issues.js';
import { isSettingKey, SETTING_KEYS, SETTING_PARSERS } from './keys.js';
import { emptyLayer, type Layer } from './layer.js';
import type { Origin } from './types.js';

/** One `scripts:` entry: which scripts it applies to, and what it sets. */
export interface MatchRule {
  match: string;
  regex: RegExp;
  at: Origin;
  layer: Layer;
}

/** A parsed nixpod.yaml. `path` is as the user sees it; problems are in `diagnostics`, the usable rest in the layers. */
export interface SettingsConfig {
  path: string;
  defaults: Layer;
  rules: MatchRule[];
  diagnostics: Diagnostic[];
}

const TOP = ['defaults', 'scripts'];

export function parseSettingsConfig(text: string, path: string): SettingsConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const pos = (offset: number): Position => lc.linePos(offset);
  const out: SettingsConfig = { path, defaults: emptyLayer(), rules: [], diagnostics: [] };
  const findings: Finding[] = [];
  for (const e of doc.errors) {
    const dup = e.code === 'DUPLICATE_KEY';
    findings.push(finding(pos(e.pos[0]), 'error', dup ? 'duplicate-key' : 'config-syntax', dup ? 'this key is already set in the same map' : `YAML: ${e.message}`, dup ? 'remove one of the two' : 'fix the YAML syntax'));
  }
  for (const w of doc.warnings) findings.push(finding(pos(w.pos[0]), 'warning', 'config-syntax', `YAML: ${w.message}`));
  // Past a syntax error the tree is a guess: report the error only.
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return { ...out, diagnostics: withPath(path, findings) };
  const root = doc.toJS() as unknown;
  const ctx: Ctx = { doc, pos, path, findings };
  if (root !== null && root !== undefined) {
    if (!isMap(root)) findings.push(finding({ line: 1, col: 1 }, 'error', 'wrong-type', 'nixpod.yaml must be a map with defaults: and scripts:', 'see the README section "Settings"'));
    else readTop(root, ctx, out);
  }
  return { ...out, diagnostics: withPath(path, findings) };
}

interface Ctx {
  doc: Document;
  pos: (offset: number) => Position;
  path: string;
  findings: Finding[];
}

function readTop(root: Record<string, unknown>, ctx: Ctx, out: SettingsConfig): void {
  for (const k of Object.keys(root)) {
    if (TOP.includes(k)) continue;
    const hint = isSettingKey(k) ? `settings go under defaults: (or a scripts: entry): move '${k}' there` : hintFor(k, TOP);
    ctx.findings.push(finding(at(ctx, [k], true), 'error', 'unknown-key', `unknown key '${k}' at the top of nixpod.yaml`, hint));
  }
  if (root.defaults !== undefined && root.defaults !== null) out.defaults = readLayer(root.defaults, ['defaults'], ctx, false);
  if (root.scripts === undefined || root.scripts === null) return;
  if (!Array.isArray(root.scripts)) {
    ctx.findings.push(finding(at(ctx, ['scripts']), 'error', 'wrong-type', 'scripts must be a list of {match: GLOB, …settings}', "write: scripts:\n  - match: 'backup-*.sh'\n    kind: cronjob"));
    return;
  }
  root.scripts.forEach((r: unknown, i) => {
    const rule = readRule(r, ['scripts', i], ctx);
    if (rule) out.rules.push(rule);
  });
}

function readRule(r: unknown, path: ValuePath, ctx: Ctx): MatchRule | undefined {
  if (!isMap(r)) {
    ctx.findings.push(finding(at(ctx, path), 'error', 'wrong-type', 'a scripts: entry must be a map {match: GLOB, …settings}'));
    return undefined;
  }
  const layer = readLayer(r, path, ctx, true);
  if (r.match === undefined) {
    ctx.findings.push(finding(at(ctx, path), 'error', 'missing-key', 'this scripts: entry has no match: (which scripts it applies to)', "add e.g. match: '**/*.sh'"));
    return undefined;
  }
  const where = at(ctx, [...path, 'match']);
  if (typeof r.match !== 'string') {
    ctx.findings.push(finding(where, 'error', 'wrong-type', 'match must be a glob string', "quote it: match: '*.sh'"));
    return undefined;
  }
  const problem = globProblem(r.match);
  if (problem) {
    ctx.findings.push(finding(where, 'error', 'bad-glob', `match '${r.match}': ${problem}`, 'globs take *, **, ?, [abc], {a,b}'));
    return undefined;
  }
  return { match: r.match, regex: globToRegExp(r.match), at: { path: ctx.path, ...where }, layer };
}

/** The settings of one map (defaults, or a scripts: entry whose `match` is read by the caller). */
function readLayer(m: unknown, path: ValuePath, ctx: Ctx, isRule: boolean): Layer {
  const layer = emptyLayer();
  if (!isMap(m)) {
    ctx.findings.push(finding(at(ctx, path), 'error', 'wrong-type', `${isRule ? 'a scripts: entry' : 'defaults'} must be a map of settings`));
    return layer;
  }
  for (const [k, v] of Object.entries(m)) {
    if (isRule && k === 'match') continue;
    if (!isSettingKey(k)) {
      ctx.findings.push(finding(at(ctx, [...path, k], true), 'error', 'unknown-key', `unknown setting '${k}'`, hintFor(k, isRule ? [...SETTING_KEYS, 'match'] : SETTING_KEYS)));
      continue;
    }
    const r = SETTING_PARSERS[k](v, [...path, k]);
    for (const i of r.issues) ctx.findings.push(issueFinding(i, ctx));
    if (r.value === undefined) continue;
    (layer.values as Record<string, unknown>)[k] = r.value;
    layer.at[k] = { path: ctx.path, ...at(ctx, [...path, k], true) };
    if (k === 'env') envOrigins(v, [...path, k], ctx, layer);
  }
  return layer;
}

function envOrigins(v: unknown, path: ValuePath, ctx: Ctx, layer: Layer): void {
  const names: [string, ValuePath, boolean][] = Array.isArray(v)
    ? v.map((e: unknown, i): [string, ValuePath, boolean] => [isMap(e) ? String(e.name) : '', [...path, i], false])
    : Object.keys(v as object).map((n): [string, ValuePath, boolean] => [n, [...path, n], true]);
  for (const [n, p, onKey] of names) layer.envAt[n] = { path: ctx.path, ...at(ctx, p, onKey) };
}

function issueFinding(i: Issue, ctx: Ctx): Finding {
  return finding(at(ctx, i.path, i.onKey === true), i.severity ?? 'error', i.rule, i.message, i.hint);
}

function hintFor(k: string, keys: readonly string[]): string {
  const close = closestMatch(k, keys) ?? keys.find((x) => x.toLowerCase() === k.toLowerCase());
  return close !== undefined ? `did you mean '${close}'?` : `nixpod.yaml takes: ${keys.join(', ')}`;
}

/** The position of the node at `path` (its key, with `onKey`), or of the nearest node above it. */
function at(ctx: Ctx, path: ValuePath, onKey = false): Position {
  let cur: unknown = ctx.doc.contents;
  let key: Node | undefined;
  for (const seg of path) {
    if (isYamlMap(cur)) {
      const pair = cur.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      key = pair.key as Node;
      cur = pair.value;
    } else if (isSeq(cur) && typeof seg === 'number' && cur.items[seg] !== undefined) {
      key = undefined;
      cur = cur.items[seg];
    } else break;
  }
  const node = (onKey && key ? key : cur) as Node | null | undefined;
  return ctx.pos(node?.range?.[0] ?? key?.range?.[0] ?? 0);
}
