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

/** What one pass over a text script's bytes finds out for yamlStringValue's choices (see scanBody). */
interface BodyScan {
  newlines: number;
  /** A character literalBlock refuses (NOT_IN_BLOCK in yaml-emit.ts). */
  notInBlock: boolean;
  /** A character quote does not write as JSON.stringify does (NOT_AS_JSON). */
  notAsJson: boolean;
  onlyNewlines: boolean;
  /** A blank or tab before a line break or at the end (TRAILING_BLANK). */
  trailingBlank: boolean;
}

const NL = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The bytes are valid UTF-8 (a text script's): a multi-byte character is
 * recognised by its lead byte and the bytes after it. Besides ASCII controls
 * and DEL, both NOT_IN_BLOCK and NOT_AS_JSON hold C1 (U+0080-U+009F), U+2028,
 * U+2029, U+FEFF, U+FFFE and U+FFFF.
 */
function scanBody(bytes: Uint8Array): BodyScan {
  const n = bytes.length;
  let newlines = 0;
  let notInBlock = false;
  let notAsJson = false;
  let onlyNewlines = true;
  let trailingBlank = false;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b === NL) {
      newlines++;
      continue;
    }
    onlyNewlines = false;
    if (b === SPACE || b === TAB) {
      if (i + 1 === n || bytes[i + 1] === NL) trailingBlank = true;
    } else if (b < 0x20) {
      notInBlock = true;
      // \b, \f and \r: JSON.stringify writes them short, quote as \u00xx.
      if (b === 0x08 || b === 0x0c || b === 0x0d) notAsJson = true;
    } else if (b >= 0x7f && (b === 0x7f || special(bytes, i, b))) {
      notInBlock = notAsJson = true;
    }
  }
  return { newlines, notInBlock, notAsJson, onlyNewlines, trailingBlank };
}

/** Whether the character whose UTF-8 starts at `i` (lead byte `b`) is C1, U+2028/9, U+FEFF, U+FFFE or U+FFFF. */
function special(bytes: Uint8Array, i: number, b: number): boolean {
  if (b === 0xc2) return (bytes[i + 1] as number) <= 0x9f;
  if (b === 0xe2) return bytes[i + 1] === 0x80 && (bytes[i + 2] === 0xa8 || bytes[i + 2] === 0xa9);
  if (b !== 0xef) return false;
  const [c, d] = [bytes[i + 1], bytes[i + 2]];
  return (c === 0xbb && d === 0xbf) || (c === 0xbf && (d === 0xbe || d === 0xbf));
}

/**
 * Writes exactly the UTF-8 of `yamlStringValue(text, indent)`, where `text`
 * is `bytes` decoded (valid UTF-8, any BOM kept), as a literal block or a
 * double-quoted string; answers false, having written nothing, for what only
 * the string path writes (no line break, so maybe a plain scalar; characters
 * that quote escapes otherwise than JSON.stringify).
 */
export function writeBodyValue(sink: ByteSink, bytes: Uint8Array, indent: number): boolean {
  const scan = scanBody(bytes);
  if (scan.newlines === 0) return false;
  if (!scan.notInBlock && !scan.onlyNewlines && !scan.trailingBlank) return writeLiteral(sink, bytes, indent + 2, scan.newlines), true;
  if (scan.notAsJson) return false;
  writeQuoted(sink, bytes);
  return true;
}

/** literalBlock's ` |`, its indicators, and every non-empty line after `body` spaces. */
function writeLiteral(sink: ByteSink, bytes: Uint8Array, body: number, newlines: number): void {
  const n = bytes.length;
  const chomp = bytes[n - 1] !== NL ? '-' : n >= 2 && bytes[n - 2] === NL ? '+' : '';
  const end = chomp === '-' ? n : n - 1;
  let first = 0;
  while (bytes[first] === NL) first++;
  const indicator = bytes[first] === SPACE || bytes[first] === TAB ? '2' : '';
  sink.text(` |${indicator}${chomp}\n`);
  const { buf, at } = sink.reserve(end + (newlines + 1) * body);
  let o = at;
  let lineStart = true;
  for (let i = 0; i < end; i++) {
    const b = bytes[i] as number;
    if (lineStart && b !== NL) {
      buf.fill(SPACE, o, o + body);
      o += body;
    }
    buf[o++] = b;
    lineStart = b === NL;
  }
  sink.commit(o);
}

const HEX = '0123456789abcdef';

/** ` ` and JSON.stringify's double-quoted string (the bytes hold no character that quote writes otherwise). */
function writeQuoted(sink: ByteSink, bytes: Uint8Array): void {
  const n = bytes.length;
  // \u00xx, the longest escape, is six bytes for one.
  const { buf, at } = sink.reserve(3 + 6 * n);
  let o = at;
  buf[o++] = SPACE;
  buf[o++] = QUOTE;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b >= 0x20 && b !== QUOTE && b !== BACKSLASH) {
      buf[o++] = b;
      continue;
    }
    buf[o++] = BACKSLASH;
    if (b === QUOTE || b === BACKSLASH) buf[o++] = b;
    else if (b === NL) buf[o++] = 0x6e;
    else if (b === TAB) buf[o++] = 0x74;
    else {
      buf[o++] = 0x75;
      buf[o++] = 0x30;
      buf[o++] = 0x30;
      buf[o++] = HEX.charCodeAt(b >> 4);
      buf[o++] = HEX.charCodeAt(b & 15);
    }
  }
  buf[o++] = QUOTE;
  sink.commit(o);
}
