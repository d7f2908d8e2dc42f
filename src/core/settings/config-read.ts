import { finding, withPath, type Diagnostic, type Finding, type Position } from '../diagnostic.js';
import { closestMatch } from '../suggest.js';
import { globPrefix, globProblem, globToRegExp } from './glob.js';
import { isMap, type Issue, type ValuePath } from './issues.js';
import { isSettingKey, SETTING_KEYS, SETTING_PARSERS } from './keys.js';
import { emptyLayer, type Layer } from './layer.js';
import { plainToJs, readPlainYaml, type PlainNode, type PlainPair } from './plain-yaml.js';
import type { Origin } from './types.js';

/** One `scripts:` entry: which scripts it applies to, and what it sets. */
export interface MatchRule {
  match: string;
  regex: RegExp;
  /** What every path `regex` matches starts with (globPrefix): a cheap test before the regex. */
  prefix: string;
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

/** What the reader needs of a parsed YAML document: its value (`toJS()`), and the position of the node at a path (its key, with `onKey`), or of the nearest node above it. */
export interface ConfigTree {
  root: unknown;
  at: (path: ValuePath, onKey: boolean) => Position;
}

/** The settings of a parsed nixpod.yaml, its problems added to `findings` (already holding the YAML's own). */
export function readConfig(tree: ConfigTree, path: string, findings: Finding[]): SettingsConfig {
  const out: SettingsConfig = { path, defaults: emptyLayer(), rules: [], diagnostics: [] };
  const ctx: Ctx = { tree, path, findings };
  const root = tree.root;
  if (root !== null && root !== undefined) {
    if (!isMap(root)) findings.push(finding({ line: 1, col: 1 }, 'error', 'wrong-type', 'nixpod.yaml must be a map with defaults: and scripts:', 'see the README section "Settings"'));
    else readTop(root, ctx, out);
  }
  return { ...out, diagnostics: withPath(path, findings) };
}

/** parseSettingsConfig for a plain nixpod.yaml (see plain-yaml.ts), without the YAML library; undefined for any other. */
export function parsePlainConfig(text: string, path: string): SettingsConfig | undefined {
  const root = readPlainYaml(text);
  if (root === undefined) return undefined;
  const starts = lineStarts(text);
  const pos = (offset: number): Position => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] as number) + 1 };
  };
  return readConfig({ root: plainToJs(root), at: (p, onKey) => pos(plainStart(root, p, onKey)) }, path, []);
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** As the YAML reader's node lookup: the key's start with `onKey`, else the node's. */
function plainStart(root: PlainNode, path: ValuePath, onKey: boolean): number {
  let cur = root;
  let key: PlainPair | undefined;
  for (const seg of path) {
    if (cur.kind === 'map') {
      const pair = cur.items.find((p) => p.key === String(seg));
      if (!pair) break;
      key = pair;
      cur = pair.value;
    } else if (cur.kind === 'seq' && typeof seg === 'number' && cur.items[seg] !== undefined) {
      key = undefined;
      cur = cur.items[seg] as PlainNode;
    } else break;
  }
  return onKey && key ? key.start : cur.start;
}

interface Ctx {
  tree: ConfigTree;
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
    ctx.findings.push(finding(at(ctx, ['scripts']), 'error', 'wrong-type', 'scripts must be a list of {match: GLOB, …settings}', "write a list: scripts: [{match: 'backup-*.sh', kind: cronjob}]"));
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
  return { match: r.match, regex: globToRegExp(r.match), prefix: globPrefix(r.match), at: { path: ctx.path, ...where }, layer };
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

function at(ctx: Ctx, path: ValuePath, onKey = false): Position {
  return ctx.tree.at(path, onKey);
}
