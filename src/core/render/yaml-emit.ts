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
// Characters a literal block cannot carry exactly: CR, controls, DEL, C1, YAML 1.1 line breaks, BOM, non-characters.
const NOT_IN_BLOCK = /[\r\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Must be escaped in double quotes for Go: everything Go refuses raw or reads as a line break.
const ESCAPE = /["\\\x00-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t' };

export function quote(s: string): string {
  return `"${s.replace(ESCAPE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function scalar(s: string): string {
  return PLAIN.test(s) && !YAML11_SPECIAL.test(s) ? s : quote(s);
}

/** A literal block (`|`, `|-`, `|+`, with an indentation indicator when needed), or undefined. */
function literalBlock(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || NOT_IN_BLOCK.test(s) || /^\n*$/.test(s)) return undefined;
  const lines = s.split('\n');
  // Trailing blanks on a line, or a line of blanks, do not survive every reader.
  if (lines.some((l) => /[ \t]$/.test(l))) return undefined;
  let chomp = '-';
  if (s.endsWith('\n')) {
    chomp = s.endsWith('\n\n') ? '+' : '';
    lines.pop();
  }
  const firstContent = lines.find((l) => l.length > 0) ?? '';
  const body = indent + '  ';
  // A first line that starts with a blank would be taken for extra indentation.
  const indicator = /^[ \t]/.test(firstContent) ? '2' : '';
  const out = lines.map((l) => (l.length > 0 ? body + l : '')).join('\n');
  return `|${indicator}${chomp}\n${out}`;
}

function emitValue(v: Json, indent: string, inSeq: boolean): string {
  if (v === null) return ' null';
  if (typeof v === 'boolean' || typeof v === 'number') return ` ${String(v)}`;
  if (typeof v === 'string') {
    const block = literalBlock(v, indent);
    return block !== undefined ? ` ${block}` : ` ${scalar(v)}`;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    return '\n' + emitSeq(v, indent);
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return ' {}';
  return '\n' + emitMap(v, inSeq ? indent : indent + '  ');
}

function emitMap(m: { [key: string]: Json }, indent: string): string {
  return Object.keys(m)
    .map((k) => `${indent}${scalar(k)}:${emitValue(m[k] as Json, indent, false)}`)
    .join('\n');
}

function emitSeq(a: Json[], indent: string): string {
  return a
    .map((item) => {
      if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length > 0) {
        const inner = emitMap(item, indent + '  ');
        return `${indent}- ${inner.slice(indent.length + 2)}`;
      }
      return `${indent}-${emitValue(item, indent + '  ', true)}`;
    })
    .join('\n');
}

/** One YAML document (no `---`), ending in a newline. */
export function toYaml(doc: { [key: string]: Json }): string {
  return emitMap(doc, '') + '\n';
}

/** A multi-document stream: each document after `---`. */
export function toYamlStream(docs: readonly { [key: string]: Json }[]): string {
  return docs.map((d) => `---\n${toYaml(d)}`).join('');
}
