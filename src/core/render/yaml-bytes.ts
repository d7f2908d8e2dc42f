import { bufferOf } from '../bytes.js';
import { blockOf, ONLY_NEWLINES, TRAILING_BLANK } from './yaml-emit.js';
/**
 * YAML output made as bytes: most of render's output is fixed skeleton text
 * and script bodies that are bytes already, so writing them into one Buffer
 * saves building a long string and encoding it again as UTF-8. Each writer
 * here writes exactly the UTF-8 bytes of its string counterpart in
 * yaml-emit.ts, or declines (writes nothing) and lets the string path write.
 */

const SHORT_TEXT = 64;

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

  /** A string's UTF-8 bytes. A short ASCII one (a name, a key: the usual hole) is copied in JavaScript, without a call into native code. */
  text(s: string): void {
    const buf = this.room(3 * s.length);
    const at = this.len;
    if (s.length > SHORT_TEXT) return void (this.len = at + buf.write(s, at, 'utf8'));
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

/* eslint-disable no-control-regex -- control characters are what they find */
// On the latin1 view of UTF-8 (one character per byte): anything but tab, line feed and printable ASCII.
const ODD = /[^\t\n\x20-\x7e]/;
// NOT_IN_BLOCK and NOT_AS_JSON (yaml-emit.ts) as UTF-8: C1 is \xC2 then \x80-\x9F; U+2028/9, U+FEFF, U+FFFE/F are three bytes each.
const NOT_IN_BLOCK_BYTES = /[\x00-\x08\x0B-\x1F\x7F]|\xC2[\x80-\x9F]|\xE2\x80[\xA8\xA9]|\xEF(?:\xBB\xBF|\xBF[\xBE\xBF])/;
const NOT_AS_JSON_BYTES = /[\b\f\r\x7F]|\xC2[\x80-\x9F]|\xE2\x80[\xA8\xA9]|\xEF(?:\xBB\xBF|\xBF[\xBE\xBF])/;
/* eslint-enable no-control-regex */

/**
 * Writes exactly the UTF-8 of `yamlStringValue(text, indent)`, where `text`
 * is `bytes` decoded (valid UTF-8, any BOM kept); answers false, having
 * written nothing, for what only the string path writes: no line break
 * (maybe a plain scalar), or a character quote escapes otherwise than
 * JSON.stringify.
 *
 * It works on the bytes' latin1 view, one character per byte: literalBlock's
 * and quote's tests become tests of bytes, the block's text (blockOf) reads
 * only line breaks and blanks, and JSON.stringify escapes only ASCII, so each
 * gives the view of the UTF-8 it gives for the text. Every step is native
 * code, fast from the first script (byte loops in JavaScript win only once
 * compiled, and lost on runs of 1,000 scripts).
 */
export function writeBodyValue(sink: ByteSink, bytes: Uint8Array, indent: number): boolean {
  const view = bufferOf(bytes).toString('latin1');
  if (!view.includes('\n')) return false;
  // The usual script is tabs, line breaks and printable ASCII: one test clears it of both byte classes.
  const odd = ODD.test(view);
  let text: string;
  if (!(odd && NOT_IN_BLOCK_BYTES.test(view)) && !ONLY_NEWLINES.test(view) && !TRAILING_BLANK.test(view)) text = ` ${blockOf(view, ' '.repeat(indent))}`;
  else if (odd && NOT_AS_JSON_BYTES.test(view)) return false;
  else text = ` ${JSON.stringify(view)}`;
  const { buf, at } = sink.reserve(text.length);
  sink.commit(at + buf.write(text, at, 'latin1'));
  return true;
}
