/**
 * A reader for the plain YAML most nixpod.yaml files are: block maps and
 * lists, plain and simply quoted one-line scalars, comments. It gives what
 * the `yaml` library gives for them (values as `toJS()`, node positions as
 * node ranges), and undefined for anything else (flow collections, block
 * scalars, anchors, tags, empty values, numbers other than small integers,
 * multi-line scalars, duplicate keys, tabs, non-ASCII, errors), which the
 * library then reads: its messages and positions stay the only ones. Loading
 * and warming that library costs more than the whole check of a folder.
 */

/** A node with its start offset (its first character, as the library's range[0]). */
export type PlainNode =
  | { kind: 'map'; start: number; items: PlainPair[] }
  | { kind: 'seq'; start: number; items: PlainNode[] }
  | { kind: 'scalar'; start: number; value: string | number | boolean };

export interface PlainPair {
  key: string;
  start: number;
  value: PlainNode;
}

interface Line {
  /** Offset of the line's first character, and of its first non-space one. */
  at: number;
  indent: number;
  text: string;
}

class NotPlain extends Error {}

const fail = (): never => {
  throw new NotPlain();
};

/** The document's root map, or undefined when the text is not plain YAML as described above. */
export function readPlainYaml(text: string): PlainNode | undefined {
  if (!/^[\x20-\x7e\n]*$/.test(text)) return undefined;
  const lines: Line[] = [];
  let at = 0;
  for (const raw of text.split('\n')) {
    const indent = raw.length - raw.trimStart().length;
    const body = raw.slice(indent);
    if (body !== '' && !body.startsWith('#')) {
      if (indent === 0 && /^(?:---|\.\.\.|%)/.test(body)) return undefined;
      lines.push({ at: at + indent, indent, text: body.trimEnd() });
    }
    at += raw.length + 1;
  }
  try {
    const first = lines[0];
    if (first === undefined || first.indent !== 0) return undefined;
    const r = new Reader(lines);
    const root = r.map(0, 0, undefined);
    return r.i === lines.length ? root : undefined;
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
}

const KEY = /^[A-Za-z_][A-Za-z0-9_./-]*(?=:(?: |$))/;
const KEY_MAX = 1000;
const NOT_A_STRING_KEY = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|__proto__)$/;

class Reader {
  i = 0;
  constructor(private readonly lines: Line[]) {}

  /** A block map whose keys sit at column `col`; `inline`: its first entry's text on a `- ` line (from column col). */
  map(i: number, col: number, inline: { at: number; text: string } | undefined): PlainNode {
    this.i = i;
    const items: PlainPair[] = [];
    let entry: { at: number; text: string } = inline ?? this.lineAt(col);
    const start = entry.at;
    for (;;) {
      this.i++;
      const m = KEY.exec(entry.text) ?? fail();
      const key = m[0];
      // The library refuses an implicit key of over 1,024 characters: long keys are its to read.
      if (key.length > KEY_MAX || NOT_A_STRING_KEY.test(key) || items.some((p) => p.key === key)) fail();
      const rest = entry.text.slice(key.length + 1);
      const value = rest.trim() === '' || rest.trimStart().startsWith('#') ? this.block(col) : this.scalar(entry.at + key.length + 1, rest);
      items.push({ key, start: entry.at, value });
      const next = this.lines[this.i];
      if (next === undefined || next.indent < col) break;
      if (next.indent > col || next.text.startsWith('-')) fail();
      entry = next;
    }
    return { kind: 'map', start, items };
  }

  /** The block value of a key at column `col`: a map or list below it (a list may sit at the key's own column). */
  private block(col: number): PlainNode {
    const next = this.lines[this.i] ?? fail();
    const dash = next.text === '-' || next.text.startsWith('- ');
    if (next.indent > col) return dash ? this.seq(next.indent) : this.map(this.i, next.indent, undefined);
    if (next.indent === col && dash) return this.seq(col);
    return fail();
  }

  /** A block list whose dashes sit at column `col`. */
  private seq(col: number): PlainNode {
    const items: PlainNode[] = [];
    const start = (this.lines[this.i] as Line).at;
    for (;;) {
      const line = this.lines[this.i];
      if (line === undefined || line.indent < col || (line.indent === col && !line.text.startsWith('-'))) break;
      if (line.indent > col || !line.text.startsWith('- ')) fail();
      const rest = line.text.slice(2);
      const pad = rest.length - rest.trimStart().length;
      const itemAt = line.at + 2 + pad;
      const itemText = rest.slice(pad);
      if (KEY.test(itemText)) items.push(this.map(this.i, col + 2 + pad, { at: itemAt, text: itemText }));
      else {
        items.push(this.scalar(itemAt - 1, ` ${itemText}`));
        this.i++;
      }
    }
    return { kind: 'seq', start, items };
  }

  /** The value after a `:` or `- ` at `from` (the offset of `text`'s first character). */
  private scalar(from: number, text: string): PlainNode {
    const pad = text.length - text.trimStart().length;
    if (pad === 0) fail();
    const start = from + pad;
    const t = text.slice(pad);
    const q = t[0];
    if (q === '"' || q === "'") {
      const close = t.indexOf(q, 1);
      if (close < 0) fail();
      const value = t.slice(1, close);
      if (q === '"' && value.includes('\\')) fail();
      if (q === "'" && t[close + 1] === "'") fail();
      const after = t.slice(close + 1);
      if (after.trim() !== '' && !/^ +#/.test(after)) fail();
      return { kind: 'scalar', start, value };
    }
    const hash = t.indexOf(' #');
    const plain = (hash < 0 ? t : t.slice(0, hash)).trimEnd();
    return { kind: 'scalar', start, value: plainValue(plain) };
  }

  private lineAt(col: number): Line {
    const l = this.lines[this.i] ?? fail();
    if (l.indent !== col) fail();
    return l;
  }
}

/** A plain scalar as YAML 1.2's core schema reads it, for the forms kept here. */
function plainValue(s: string): string | number | boolean {
  if (!/^[A-Za-z0-9_/]/.test(s) || s.includes(': ') || s.endsWith(':')) fail();
  if (/^(?:true|True|TRUE)$/.test(s)) return true;
  if (/^(?:false|False|FALSE)$/.test(s)) return false;
  if (/^(?:null|Null|NULL)$/.test(s)) fail();
  if (/^(?:0|[1-9][0-9]{0,14})$/.test(s)) return Number(s);
  // Other numbers (octal, hex, floats, exponents, leading zeros) are the library's to read.
  if (/^[0-9]/.test(s) && /^(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)$/.test(s)) fail();
  return s;
}

/** `toJS()` of a plain node: maps are plain objects, lists arrays. */
export function plainToJs(n: PlainNode): unknown {
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(plainToJs);
  const out: Record<string, unknown> = {};
  for (const p of n.items) out[p.key] = plainToJs(p.value);
  return out;
}
