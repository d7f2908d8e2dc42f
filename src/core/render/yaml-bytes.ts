/**
 * YAML output made as bytes: most of render's output is fixed skeleton text
 * and script bodies that are bytes already, so writing them into one Buffer
 * saves building a long string and encoding it again as UTF-8. Each writer
 * here writes exactly the UTF-8 bytes of its string counterpart in
 * yaml-emit.ts, or declines (writes nothing) and lets the string path write.
 */

/** One growing Buffer, reused from batch to batch: what `take` returns is valid until the next write. */
export class ByteSink {
  private buf: Buffer;
  private len = 0;

  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes. */
  private room(n: number): Buffer {
    if (this.len + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.len + n));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    return this.buf;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length).set(b, this.len);
    this.len += b.length;
  }

  /** A string's UTF-8 bytes; ASCII (names, keys, the usual hole) is copied in JavaScript, without a call into native code. */
  text(s: string): void {
    const buf = this.room(3 * s.length);
    const at = this.len;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return void (this.len = at + buf.write(s, at, 'utf8'));
      buf[at + i] = c;
    }
    this.len = at + s.length;
  }

  /** The bytes written since the last take; the sink then starts over in the same memory. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.len);
    this.len = 0;
    return out;
  }

  /** `n` bytes of room at the end, to be filled by the caller and then kept with `commit`. */
  reserve(n: number): { buf: Buffer; at: number } {
    return { buf: this.room(n), at: this.len };
  }

  commit(end: number): void {
    this.len = end;
  }
}

const NL = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DEL = 0x7f;

const isBlank = (b: number | undefined): boolean => b === SPACE || b === TAB;

/**
 * Whether the character whose UTF-8 starts at `i` (lead byte `b`) is one
 * that both NOT_IN_BLOCK and NOT_AS_JSON (yaml-emit.ts) hold beyond ASCII:
 * C1 (U+0080-U+009F), U+2028, U+2029, U+FEFF, U+FFFE or U+FFFF. The bytes
 * are valid UTF-8, so a lead byte and the bytes after it say which.
 */
function special(bytes: Uint8Array, i: number, b: number): boolean {
  if (b === 0xc2) return (bytes[i + 1] as number) <= 0x9f;
  if (b === 0xe2) return bytes[i + 1] === 0x80 && (bytes[i + 2] === 0xa8 || bytes[i + 2] === 0xa9);
  if (b !== 0xef) return false;
  const [c, d] = [bytes[i + 1], bytes[i + 2]];
  return (c === 0xbb && d === 0xbf) || (c === 0xbf && (d === 0xbe || d === 0xbf));
}

/**
 * Writes exactly the UTF-8 of `yamlStringValue(text, indent)`, where `text`
 * is `bytes` decoded (valid UTF-8, any BOM kept): a literal block where
 * literalBlock makes one, else JSON.stringify's quoted string. Answers false,
 * having written nothing, for what only the string path writes: no line
 * break (maybe a plain scalar), or a character quote escapes otherwise than
 * JSON.stringify. Each writer checks as it copies and stops at the first
 * byte that rules it out (no scan first): a block is written in one pass; a
 * quoted string after the block's pass up to where it was ruled out.
 */
export function writeBodyValue(sink: ByteSink, bytes: Uint8Array, indent: number): boolean {
  return writeLiteral(sink, bytes, indent + 2) || writeQuoted(sink, bytes);
}

/** literalBlock's ` |`, its indicators, and every non-empty line after `body` spaces; false where it makes none (nothing written). */
function writeLiteral(sink: ByteSink, bytes: Uint8Array, body: number): boolean {
  const n = bytes.length;
  let first = 0;
  while (bytes[first] === NL) first++;
  // Only line breaks; a blank at the end or before the final line break (those before other line breaks are found below).
  if (first === n || isBlank(bytes[n - 1]) || (bytes[n - 1] === NL && isBlank(bytes[n - 2]))) return false;
  const chomp = bytes[n - 1] !== NL ? 0x2d : bytes[n - 2] === NL ? 0x2b : 0;
  const end = chomp === 0x2d ? n : n - 1;
  // A non-empty line takes at least two bytes but the last.
  const { buf, at } = sink.reserve(6 + end + body * ((end >> 1) + 1));
  let o = at;
  buf[o++] = SPACE;
  buf[o++] = 0x7c;
  if (isBlank(bytes[first])) buf[o++] = 0x32;
  if (chomp !== 0) buf[o++] = chomp;
  buf[o++] = NL;
  // Every non-empty line of the content gets the block's indentation (literalBlock's LINE_START): written at its line break.
  if (bytes[0] !== NL) for (let k = 0; k < body; k++) buf[o++] = SPACE;
  let lineBreaks = chomp === 0x2d ? 0 : 1;
  for (let i = 0; i < end; i++) {
    const b = bytes[i] as number;
    if (b >= SPACE && b < DEL) {
      buf[o++] = b;
      continue;
    }
    if (b === NL) {
      if (isBlank(bytes[i - 1])) return false;
      lineBreaks++;
      buf[o++] = NL;
      if (i + 1 < end && bytes[i + 1] !== NL) for (let k = 0; k < body; k++) buf[o++] = SPACE;
      continue;
    }
    if (b !== TAB && (b <= DEL || (b >= 0xc2 && special(bytes, i, b)))) return false;
    buf[o++] = b;
  }
  // One line and no line break: literalBlock makes no block (the value may be a plain scalar).
  if (lineBreaks === 0) return false;
  sink.commit(o);
  return true;
}

const HEX = '0123456789abcdef';
const ASIS = 0;
/** A lead byte of a character quote may escape otherwise (see special). */
const LEAD = 1;
/** \b, \f and \r (JSON.stringify writes them short, quote as \u00xx) and DEL (quote escapes it). */
const OTHERWISE = 2;
/** Per byte: ASIS, LEAD, OTHERWISE, or what JSON.stringify writes after its backslash. */
const ESCAPED = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ESCAPED[b] = 0x75;
ESCAPED[NL] = 0x6e;
ESCAPED[TAB] = 0x74;
ESCAPED[QUOTE] = QUOTE;
ESCAPED[BACKSLASH] = BACKSLASH;
for (const b of [0x08, 0x0c, 0x0d, DEL]) ESCAPED[b] = OTHERWISE;
for (const b of [0xc2, 0xe2, 0xef]) ESCAPED[b] = LEAD;

/** ` ` and JSON.stringify's double-quoted string; false where quote writes otherwise (nothing written). */
function writeQuoted(sink: ByteSink, bytes: Uint8Array): boolean {
  const n = bytes.length;
  // \u00xx, the longest escape, is six bytes for one.
  const { buf, at } = sink.reserve(3 + 6 * n);
  let o = at;
  buf[o++] = SPACE;
  buf[o++] = QUOTE;
  let lineBreaks = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b > QUOTE && b < DEL && b !== BACKSLASH) {
      buf[o++] = b;
      continue;
    }
    const e = ESCAPED[b] as number;
    if (e === ASIS || (e === LEAD && !special(bytes, i, b))) {
      buf[o++] = b;
      continue;
    }
    if (e <= OTHERWISE) return false;
    buf[o++] = BACKSLASH;
    buf[o++] = e;
    if (e === 0x6e) lineBreaks++;
    else if (e === 0x75) {
      buf[o++] = 0x30;
      buf[o++] = 0x30;
      buf[o++] = HEX.charCodeAt(b >> 4);
      buf[o++] = HEX.charCodeAt(b & 15);
    }
  }
  // No line break: the value may be a plain scalar, which only the string path writes.
  if (lineBreaks === 0) return false;
  buf[o++] = QUOTE;
  sink.commit(o);
  return true;
}
