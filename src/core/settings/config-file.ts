import { isMap as isYamlMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { finding, withPath, type Finding, type Position } from '../diagnostic.js';
import { parsePlainConfig, readConfig, type SettingsConfig } from './config-read.js';
import type { ValuePath } from './issues.js';

export type { MatchRule, SettingsConfig } from './config-read.js';

/** A nixpod.yaml read: a plain one without the YAML library (see plain-yaml.ts), any other with it. */
export function parseSettingsConfig(text: string, path: string): SettingsConfig {
  return parsePlainConfig(text, path) ?? parseSettingsConfigWithYaml(text, path);
}

/** A nixpod.yaml read with the YAML library: its errors and warnings, then the settings. */
export function parseSettingsConfigWithYaml(text: string, path: string): SettingsConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const pos = (offset: number): Position => lc.linePos(offset);
  const findings: Finding[] = [];
  for (const e of doc.errors) {
    const dup = e.code === 'DUPLICATE_KEY';
    findings.push(finding(pos(e.pos[0]), 'error', dup ? 'duplicate-key' : 'config-syntax', dup ? 'this key is already set in the same map' : `YAML: ${e.message}`, dup ? 'remove one of the two' : 'fix the YAML syntax'));
  }
  for (const w of doc.warnings) findings.push(finding(pos(w.pos[0]), 'warning', 'config-syntax', `YAML: ${w.message}`));
  // An alias to no anchor parses, and only toJS() fails on it (with an exception): said here as the error it is.
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined) return;
      findings.push(finding(pos(node.range?.[0] ?? 0), 'error', 'config-syntax', `YAML: the alias *${node.source} names no anchor set before it`, `set the anchor first (&${node.source} before *${node.source}), or write the value out`));
    },
  });
  // Past a syntax error the tree is a guess: report the error only.
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY') || findings.some((f) => f.severity === 'error' && f.rule === 'config-syntax')) return { path, defaults: { values: {}, at: {}, envAt: {} }, rules: [], diagnostics: withPath(path, findings) };
  return readConfig({ root: doc.toJS() as unknown, at: (p, onKey) => pos(nodeStart(doc, p, onKey)) }, path, findings);
}

/** The start of the node at `path` (its key, with `onKey`), or of the nearest node above it. */
function nodeStart(doc: Document, path: ValuePath, onKey: boolean): number {
  let cur: unknown = doc.contents;
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
  return node?.range?.[0] ?? key?.range?.[0] ?? 0;
}
