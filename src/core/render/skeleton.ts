import { RenderError } from '../errors.js';
import { yamlLib } from '../yaml-lib.js';
import { parseSimpleYaml } from './simple-yaml.js';
import { emitYaml, yamlKey, yamlStringValue, type Json } from './yaml-emit.js';
import { setOwn } from '../own-key.js';

/**
 * Rendering 10,000 scripts would spend most of its time parsing template
 * output that differs only in values. So templates are rendered with each
 * string value replaced by a placeholder, and that output is parsed once per
 * distinct text; the real values then replace the placeholders.
 *
 * Exact by construction: a placeholder is only replaced where it stood alone
 * as a value written by `{{json …}}` (a JSON string is one YAML scalar,
 * whatever its content). Any other use of a value (raw `{{name}}`, a value
 * inside a longer string or a key) makes that script take the slow path:
 * render the real values and parse.
 */
const RAW_OPEN = '\uE000';
const RAW_CLOSE = '\uE001';
const JSON_OPEN = '\uE002';
const JSON_CLOSE = '\uE003';
const RAW_RE = /^\uE000(\d+)\uE001$/;
const JSON_RE = /^\uE002(\d+)\uE003$/;
// Marks a hole in emitted skeleton text (see textSkeleton).
const HOLE_OPEN = '\uE004';
const HOLE_CLOSE = '\uE005';
const HOLE_RE = /\uE004(\d+)\.([kv])(\d+)\uE005/;
// Any of the marks: a value or template text that holds one takes the slow path.
const ANY_MARK = /[\uE000-\uE005]/;

/** Whether a string holds one of the placeholder marks (placehold then declines the context). */
export const hasMark = (s: string): boolean => ANY_MARK.test(s);

export interface Placeheld {
  /** The context with placeholders for its values; built on demand (once per new shape). */
  context(): unknown;
  /** Identifies the placeholder context: scripts with equal shapes render the same skeleton. */
  shape: string;
  values: string[];
  /** Where each piece's values end in `values` (piece i's are from ends[i-1], or 0, up to ends[i]). */
  ends: number[];
}

/** How `placehold` described an object that many contexts share (see SharedDescriptions). */
export interface Described {
  shape: string;
  values: string[];
  clash: boolean;
}

/**
 * Objects that many contexts hold (the settings part, shared by every script
 * with the same settings): registered with null, described once, and then
 * reused by identity. Only registered objects are remembered. Equal shapes
 * get the same short token, so the skeleton cache key stays short.
 */
export interface SharedDescriptions {
  objects: WeakMap<object, Described | null>;
  tokens: Map<string, string>;
}

export function sharedDescriptions(): SharedDescriptions {
  return { objects: new WeakMap(), tokens: new Map() };
}

/**
 * Replace every non-empty string value (not keys) by a placeholder; "" stays,
 * so `{{#if}}` sees the same truthiness. Per script only the values and the
 * shape (a JSON-like description of everything but the values) are made.
 *
 * The context is given as pieces (its own values, and those shared with
 * other scripts): the union of objects with distinct keys, or one value.
 * Each is described on its own, so a piece that `memo` knows costs one lookup.
 */
export function placehold(pieces: readonly unknown[], memo?: SharedDescriptions): Placeheld | undefined {
  let values: string[] = [];
  let clash = false;
  const describe = (v: unknown): string => {
    if (typeof v === 'string') {
      if (v === '') return '""';
      if (ANY_MARK.test(v)) clash = true;
      values.push(v);
      return '$';
    }
    if (v === null || typeof v !== 'object') return v === undefined ? 'u' : JSON.stringify(v);
    const known = memo?.objects.get(v);
    if (known) {
      for (const x of known.values) values.push(x);
      clash ||= known.clash;
      return known.shape;
    }
    if (known === null) {
      const [outer, outerClash] = [values, clash];
      values = [];
      clash = false;
      const m = memo as SharedDescriptions;
      const full = describeObject(v);
      let token = m.tokens.get(full);
      if (token === undefined) m.tokens.set(full, (token = `#${m.tokens.size}`));
      const d: Described = { shape: token, values, clash };
      m.objects.set(v, d);
      values = outer;
      for (const x of d.values) values.push(x);
      clash = outerClash || d.clash;
      return d.shape;
    }
    return describeObject(v);
  };
  const describeObject = (v: object): string => {
    if (Array.isArray(v)) {
      let out = '[';
      for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + describe(v[i]);
      return out + ']';
    }
    let out = '{';
    let first = true;
    for (const k of Object.keys(v)) {
      out += (first ? '' : ',') + quotedKey(k) + ':' + describe((v as Record<string, unknown>)[k]);
      first = false;
    }
    return out + '}';
  };
  let shape = '';
  const ends: number[] = [];
  for (const p of pieces) {
    shape += (ends.length > 0 ? '+' : '') + describe(p);
    ends.push(values.length);
  }
  if (clash) return undefined;
  const build = (): unknown => {
    let n = 0;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return v === '' ? v : `${RAW_OPEN}${n++}${RAW_CLOSE}`;
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).map((k) => [k, walk((v as Record<string, unknown>)[k])]));
      return v;
    };
    return pieces.length === 1 ? walk(pieces[0]) : Object.assign({}, ...pieces.map(walk));
  };
  return { context: build, shape, values, ends };
}

/** Object keys recur in every context (`name`, `labels`, …): each is quoted once. */
const quotedKeys = new Map<string, string>();
function quotedKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    if (quotedKeys.size >= 10_000) quotedKeys.clear();
    quotedKeys.set(k, (q = JSON.stringify(k)));
  }
  return q;
}

/** What the `json` helper prints: placeholders become JSON-marked ones. */
export function jsonForTemplate(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' && v.charCodeAt(0) === 0xe000 && RAW_RE.test(v) ? JSON_OPEN + v.slice(1, -1) + JSON_CLOSE : v));
}

/** Whether every placeholder in a parsed template output stands alone as a `{{json}}`-written value (and none is in a key). */
export function isExactSkeleton(doc: Json): boolean {
  if (typeof doc === 'string') return !ANY_MARK.test(doc) || (doc.charCodeAt(0) === 0xe002 && JSON_RE.test(doc));
  if (Array.isArray(doc)) return doc.every(isExactSkeleton);
  if (doc !== null && typeof doc === 'object') return Object.entries(doc).every(([k, v]) => !ANY_MARK.test(k) && isExactSkeleton(v));
  return true;
}

/** The placeholder for value `i`, as it stands in a parsed skeleton (also usable as a key by nixpod itself). */
export function hole(i: number): string {
  return `${JSON_OPEN}${i}${JSON_CLOSE}`;
}

/** Put the real values back into a skeleton that `isExactSkeleton` accepted. */
export function fillPlaceholders(doc: Json, values: readonly string[]): Json {
  const fillString = (v: string): string => (v.charCodeAt(0) === 0xe002 && JSON_RE.test(v) ? (values[Number(v.slice(1, -1))] as string) : v);
  const walk = (v: Json): Json => {
    if (typeof v === 'string') return fillString(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: { [k: string]: Json } = {};
      for (const k of Object.keys(v)) setOwn(out, fillString(k), walk(v[k] as Json));
      return out;
    }
    return v;
  };
  return walk(doc);
}

/**
 * A skeleton emitted once as YAML text with holes: `texts[0] hole[0] texts[1] … texts[n]`.
 * Filling it costs one scalar per value instead of building and emitting a tree per script.
 */
export interface TextSkeleton {
  texts: string[];
  holes: { index: number; key: boolean; indent: string }[];
}

export function textSkeleton(doc: { [key: string]: Json }): TextSkeleton {
  const marked = emitYaml(doc, (s, asKey, indent) => (s.charCodeAt(0) === 0xe002 && JSON_RE.test(s) ? `${HOLE_OPEN}${s.slice(1, -1)}.${asKey ? 'k' : 'v'}${indent.length}${HOLE_CLOSE}` : undefined));
  const parts = marked.split(HOLE_RE);
  const texts: string[] = [];
  const holes: TextSkeleton['holes'] = [];
  for (let i = 0; i < parts.length; i += 4) {
    texts.push(parts[i] as string);
    if (i + 1 < parts.length) holes.push({ index: Number(parts[i + 1]), key: parts[i + 2] === 'k', indent: ' '.repeat(Number(parts[i + 3])) });
  }
  return { texts, holes };
}

export function fillText(sk: TextSkeleton, values: readonly string[]): string {
  let out = sk.texts[0] as string;
  // A name stands in several places (metadata, labels, volumes): a one-line value's text is the same at any indentation, so it is made once.
  const made: (string | undefined)[] = [];
  for (let i = 0; i < sk.holes.length; i++) {
    const h = sk.holes[i] as Hole;
    const at = 2 * h.index + (h.key ? 1 : 0);
    let text = made[at];
    if (text === undefined) {
      text = holeText(h, values);
      if (h.key || !(values[h.index] as string).includes('\n')) made[at] = text;
    }
    out += text + (sk.texts[i + 1] as string);
  }
  return out;
}

export type Hole = TextSkeleton['holes'][number];
const holeText = (h: Hole, values: readonly string[]): string => holeTextOf(h, values[h.index] as string);
/** The text of one hole for its value: fillText's, for a writer of its own (see skeleton-bytes.ts). */
export const holeTextOf = (h: Hole, value: string): string => (h.key ? yamlKey(value) : yamlStringValue(value, h.indent));

/**
 * The skeleton with the holes of values `from` to `to` (exclusive) written in:
 * the part of a context that many scripts share (their settings) is emitted
 * once, and fillText then fills only each script's own values. The same text
 * as fillText by construction: each hole's text stands between the same texts.
 */
export function prefillText(sk: TextSkeleton, values: readonly string[], from: number, to: number): TextSkeleton {
  return partialFill(sk, values, (i) => (i >= from && i < to ? undefined : i));
}

/**
 * The skeleton with the holes `renumber` answers undefined for written in from
 * `values`, and the others renumbered to its answer: the text a script fills
 * then needs only its own few values, in an array of their own.
 */
export function partialFill(sk: TextSkeleton, values: readonly string[], renumber: (index: number) => number | undefined): TextSkeleton {
  const texts = [sk.texts[0] as string];
  const holes: Hole[] = [];
  for (let i = 0; i < sk.holes.length; i++) {
    const h = sk.holes[i] as Hole;
    const after = sk.texts[i + 1] as string;
    const to = renumber(h.index);
    if (to === undefined) texts[texts.length - 1] += holeText(h, values) + after;
    else {
      holes.push(to === h.index ? h : { ...h, index: to });
      texts.push(after);
    }
  }
  return { texts, holes };
}

/** Parse one rendered template; errors name the template and the output position. */
export function parseRendered(text: string, origin: string): Json {
  const simple = parseSimpleYaml(text);
  if (simple !== undefined) return simple;
  // Output the simple reader does not take (templates of one's own, mostly): the YAML library reads it.
  const yaml = yamlLib();
  try {
    return yaml.parse(text, { strict: true, uniqueKeys: true, prettyErrors: false }) as Json;
  } catch (e) {
    const pos = e instanceof yaml.YAMLParseError && e.linePos ? ` (output line ${e.linePos[0].line}, col ${e.linePos[0].col})` : '';
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new RenderError('template', `${origin}: the rendered output is not valid YAML${pos}: ${msg}`, 'write values with {{json value}}');
  }
}
