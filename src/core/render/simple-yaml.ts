import type { Json } from './yaml-emit.js';

/**
 * A parser for the plain YAML that manifest templates render: block mappings
 * and sequences, one value per line, simple plain scalars, and the canonical
 * JSON that `{{json}}` writes. It answers undefined for anything else (quotes,
 * anchors, tags, block scalars, flow collections it did not write, odd
 * indentation, duplicate keys, ...), and the caller uses the full `yaml`
 * parser. Where it answers, the answer is what `yaml` (YAML 1.2 core schema)
 * gives; a property test holds the two together. It exists because a run's
 * first full `yaml` parse costs more than rendering a hundred scripts.
 */
export function parseSimpleYaml(text: string): Json | undefined {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    if (raw.includes('\r') || raw.includes('\t')) return undefined;
    const content = raw.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    lines.push({ indent: raw.length - content.length, content: content.trimEnd() });
  }
  if (lines.length === 0) return undefined;
  const p = new Parser(lines);
  const doc = p.block(0);
  return doc !== FAIL && p.at === lines.length ? doc : undefined;
}

interface Line {
  indent: number;
  content: string;
}

const FAIL = Symbol('fail');
type Result = Json | typeof FAIL;

const KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./+ -]*$/;
const INT = /^(?:0|[1-9][0-9]{0,14})$/;
const WORDS: Record<string, Json> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false, null: null, Null: null, NULL: null };

class Parser {
  at = 0;
  constructor(private readonly lines: Line[]) {}

  /** The block (mapping or sequence) whose first line is the current one, at exactly `indent`. */
  block(indent: number): Result {
    const first = this.lines[this.at];
    if (!first || first.indent !== indent) return FAIL;
    return isSeqItem(first.content) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): Result {
    const out: { [key: string]: Json } = {};
    for (let l = this.lines[this.at]; l && l.indent === indent; l = this.lines[this.at]) {
      const m = KEY.exec(l.content);
      const key = m?.[1];
      if (key === undefined || key in out || key === '__proto__' || typeof scalar(key) !== 'string') return FAIL;
      this.at++;
      const v = m?.[2] === undefined ? this.nested(indent, true) : inline(m[2]);
      if (v === FAIL) return FAIL;
      out[key] = v;
    }
    return this.endOfBlock(indent) ? out : FAIL;
  }

  private sequence(indent: number): Result {
    const out: Json[] = [];
    for (let l = this.lines[this.at]; l && l.indent === indent && isSeqItem(l.content); l = this.lines[this.at]) {
      const rest = l.content.slice(1).trimStart();
      let v: Result;
      if (rest === '') {
        this.at++;
        v = this.nested(indent, false);
      } else if (KEY.test(rest) || isSeqItem(rest)) {
        // `- key: value` starts a block two columns in: read it as if it stood on its own line.
        l.indent = indent + 1 + (l.content.length - 1 - rest.length);
        l.content = rest;
        v = this.block(l.indent);
      } else {
        this.at++;
        v = inline(rest);
      }
      if (v === FAIL) return FAIL;
      out.push(v);
    }
    return this.endOfBlock(indent) ? out : FAIL;
  }

  /** The value of `key:` or `-` with nothing after it: a deeper block, a same-level sequence after a key, or null. */
  private nested(indent: number, afterKey: boolean): Result {
    const next = this.lines[this.at];
    if (next && next.indent > indent) return this.block(next.indent);
    if (afterKey && next && next.indent === indent && isSeqItem(next.content)) return this.sequence(indent);
    return null;
  }

  /** A block ends at a line indented less than it; anything else is a shape this parser does not know. */
  private endOfBlock(indent: number): boolean {
    const next = this.lines[this.at];
    return next === undefined || next.indent < indent;
  }
}

function isSeqItem(content: string): boolean {
  return content === '-' || content.startsWith('- ');
}

function inline(text: string): Result {
  const c = text.charCodeAt(0);
  // `"`, `[`, `{`: only JSON exactly as JSON.stringify writes it (so no duplicate keys, no escapes YAML reads otherwise).
  if (c === 0x22 || c === 0x5b || c === 0x7b) {
    try {
      const v = JSON.parse(text) as Json;
      return JSON.stringify(v) === text ? v : FAIL;
    } catch {
      return FAIL;
    }
  }
  const v = scalar(text);
  return v === undefined ? FAIL : v;
}

/** A plain scalar under the YAML 1.2 core schema, or undefined when it is not one of the simple kinds. */
function scalar(text: string): Json | undefined {
  if (INT.test(text)) return Number(text);
  if (!PLAIN.test(text) || text.includes('  ')) return undefined;
  return text in WORDS ? (WORDS[text] as Json) : text;
}
