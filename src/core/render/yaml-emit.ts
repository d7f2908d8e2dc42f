/**
 * A YAML emitter for Kubernetes manifests whose output both the `yaml`
 * library (YAML 1.2) and kubectl's Go reader (YAML 1.1) read back to the same
 * values, byte for byte. Scripts become literal blocks where that is exact,
 * else JSON-style double-quoted strings; no folding, no anchors, no tags.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

// YAML 1.1 reads these plain scalars as booleans or null; Go's reader does too.
const YAML11_SPECIAL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./+-]*(?::[A-Za-z0-9_./+-]+)*$/;
/* eslint-disable no-control-regex -- these patterns exist to find control characters */
// Characters a literal block cannot carry exactly: CR, controls, DEL, C1, YAML 1.1 line breaks, BOM, non-characters (and lone surrogates: see literalBlock).
const NOT_IN_BLOCK = /[\r\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]/;
// Must be escaped in double quotes for Go: everything Go refuses raw or reads as a line break.
const ESCAPE = /["\\\x00-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */
export const ONLY_NEWLINES = /^\n*$/;
export const TRAILING_BLANK = /[ \t](?:\n|$)/;
const FIRST_CONTENT = /[^\n]+/;
const LINE_START = /\n(?=[^\n])/g;
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t' };

// ESCAPE without its surrogate cases (slow lookarounds), for the usual text that holds no surrogate at all.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const ESCAPE_BMP = /["\\\x00-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]/g;
const SURROGATE = /[\uD800-\uDFFF]/;
const escapeChar = (c: string): string => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

// JSON.stringify escapes exactly as quote does (", \\, \n, \t, other controls and lone surrogates as lowercase \u00xx)
// except for these, which it writes raw (DEL, C1, U+2028/9, BOM, non-characters) or in short form (\b, \f, \r).
const NOT_AS_JSON = /[\b\f\r\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]/;

export function quote(s: string): string {
  if (!NOT_AS_JSON.test(s)) return JSON.stringify(s);
  return `"${s.replace(SURROGATE.test(s) ? ESCAPE : ESCAPE_BMP, escapeChar)}"`;
}

function scalar(s: string): string {
  return PLAIN.test(s) && !YAML11_SPECIAL.test(s) ? s : quote(s);
}

/** A literal block (`|`, `|-`, `|+`, with an indentation indicator when needed), or undefined. */
function literalBlock(s: string, indent: string): string | undefined {
  // Trailing blanks on a line, or a line of blanks, do not survive every reader.
  if (!s.includes('\n') || NOT_IN_BLOCK.test(s) || !isWellFormed(s) || ONLY_NEWLINES.test(s) || TRAILING_BLANK.test(s)) return undefined;
  return blockOf(s, indent);
}

/**
 * literalBlock's text for a string it takes. It reads only line breaks,
 * blanks and tabs, so it gives the same for a UTF-8 text's latin1 view
 * (one character per byte): see yaml-bytes.ts.
 */
export function blockOf(s: string, indent: string): string {
  const chomp = !s.endsWith('\n') ? '-' : s.endsWith('\n\n') ? '+' : '';
  const content = chomp === '-' ? s : s.slice(0, -1);
  const body = indent + '  ';
  // A first line that starts with a blank would be taken for extra indentation.
  const firstContent = FIRST_CONTENT.exec(content)?.[0] ?? '';
  const indicator = firstContent.startsWith(' ') || firstContent.startsWith('\t') ? '2' : '';
  // Every non-empty line gets the block's indentation; empty lines stay empty.
  const out = (content.startsWith('\n') ? '' : body) + content.replace(LINE_START, '\n' + body);
  return `|${indicator}${chomp}\n${out}`;
}

/** No lone surrogates (String.prototype.isWellFormed, Node 20). */
function isWellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

/** The text after `key:` (or `-`) for a string: a space, then a literal block or a scalar. */
export function yamlStringValue(s: string, indent: string): string {
  const block = literalBlock(s, indent);
  return block !== undefined ? ` ${block}` : ` ${scalar(s)}`;
}

/** A mapping key. */
export function yamlKey(s: string): string {
  return scalar(s);
}

/** Lets a caller write a string (key or value) itself: return its text, or undefined for the usual. */
export type EmitHook = (s: string, asKey: boolean, indent: string) => string | undefined;

function emitValue(v: Json, indent: string, inSeq: boolean, hook: EmitHook | undefined): string {
  if (v === null) return ' null';
  if (typeof v === 'boolean' || typeof v === 'number') return ` ${String(v)}`;
  if (typeof v === 'string') return hook?.(v, false, indent) ?? yamlStringValue(v, indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    return '\n' + emitSeq(v, indent, hook);
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return ' {}';
  return '\n' + emitMap(v, inSeq ? indent : indent + '  ', hook);
}

function emitMap(m: { [key: string]: Json }, indent: string, hook: EmitHook | undefined): string {
  return Object.keys(m)
    .map((k) => `${indent}${hook?.(k, true, indent) ?? scalar(k)}:${emitValue(m[k] as Json, indent, false, hook)}`)
    .join('\n');
}

function emitSeq(a: Json[], indent: string, hook: EmitHook | undefined): string {
  return a
    .map((item) => {
      if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length > 0) {
        const inner = emitMap(item, indent + '  ', hook);
        return `${indent}- ${inner.slice(indent.length + 2)}`;
      }
      // A string item's block is indented relative to the dash's column: `- |2` then the body two columns in.
      if (typeof item === 'string') return `${indent}-${hook?.(item, false, indent) ?? yamlStringValue(item, indent)}`;
      return `${indent}-${emitValue(item, indent + '  ', true, hook)}`;
    })
    .join('\n');
}

/** One YAML document (no `---`), ending in a newline; `hook` may write strings itself. */
export function emitYaml(doc: { [key: string]: Json }, hook?: EmitHook): string {
  return emitMap(doc, '', hook) + '\n';
}

/** One YAML document (no `---`), ending in a newline. */
export function toYaml(doc: { [key: string]: Json }): string {
  return emitYaml(doc);
}

/** A multi-document stream: each document after `---`. */
export function toYamlStream(docs: readonly { [key: string]: Json }[]): string {
  return docs.map((d) => `---\n${toYaml(d)}`).join('');
}
