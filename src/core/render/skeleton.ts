import { parse, YAMLParseError } from 'yaml';
import { RenderError } from '../errors.js';
import type { Json } from './yaml-emit.js';

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
const ANY_MARK = /[\uE000-\uE003]/;

export interface Placeheld {
  context: unknown;
  values: string[];
}

/** Replace every non-empty string value (not keys) by a placeholder; "" stays, so `{{#if}}` sees the same truthiness. */
export function placehold(context: unknown): Placeheld | undefined {
  const values: string[] = [];
  let clash = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (ANY_MARK.test(v)) clash = true;
      if (v === '') return v;
      values.push(v);
      return `${RAW_OPEN}${values.length - 1}${RAW_CLOSE}`;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const held = walk(context);
  return clash ? undefined : { context: held, values };
}

/** What the `json` helper prints: placeholders become JSON-marked ones. */
export function jsonForTemplate(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' && v.charCodeAt(0) === 0xe000 && RAW_RE.test(v) ? JSON_OPEN + v.slice(1, -1) + JSON_CLOSE : v));
}

/** Put the real values back; undefined when a placeholder was used in a way that is not exact. */
export function fillPlaceholders(doc: Json, values: readonly string[]): Json | undefined {
  let exact = true;
  const walk = (v: Json): Json => {
    if (typeof v === 'string') {
      if (v.charCodeAt(0) === 0xe002 && JSON_RE.test(v)) return values[Number(v.slice(1, -1))] as string;
      if (ANY_MARK.test(v)) exact = false;
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: { [k: string]: Json } = {};
      for (const [k, x] of Object.entries(v)) {
        if (ANY_MARK.test(k)) exact = false;
        out[k] = walk(x);
      }
      return out;
    }
    return v;
  };
  const filled = walk(doc);
  return exact ? filled : undefined;
}

/** Parse one rendered template; errors name the template and the output position. */
export function parseRendered(text: string, origin: string): Json {
  try {
    return parse(text, { strict: true, uniqueKeys: true, prettyErrors: false }) as Json;
  } catch (e) {
    const pos = e instanceof YAMLParseError && e.linePos ? ` (output line ${e.linePos[0].line}, col ${e.linePos[0].col})` : '';
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new RenderError('template', `${origin}: the rendered output is not valid YAML${pos}: ${msg}`, 'write values with {{json value}}');
  }
}
