import { holeTextOf, type Hole, type TextSkeleton } from './skeleton.js';
import { writeBodyValue, type ByteSink } from './yaml-bytes.js';

/** A TextSkeleton whose texts are UTF-8 already: filling it copies them. */
export interface ByteSkeleton {
  texts: Uint8Array[];
  holes: Hole[];
  /**
   * Per hole, an earlier hole of the same value, both keys or both values,
   * else -1: a one-line value's text is the same at any indentation, so it
   * is made once per fill (as fillText does).
   */
  same: number[];
}

/** `sk` as bytes, with `head` before its first text (`---\n` for a document of a stream). */
export function byteSkeleton(sk: TextSkeleton, head = ''): ByteSkeleton {
  const same = sk.holes.map((h, i) => sk.holes.findIndex((e, j) => j < i && e.index === h.index && e.key === h.key));
  return { texts: sk.texts.map((t, i) => Buffer.from(i === 0 ? head + t : t, 'utf8')), holes: sk.holes, same };
}

/** A text script: its bytes, and its text (decoded when read). */
export interface TextBody {
  bytes: Uint8Array;
  readonly text: string | null;
}

// The text each hole of the fill under way was written with.
const written: string[] = [];

/**
 * Exactly the UTF-8 of `fillText(sk, values)` (with the skeleton's head),
 * written into `sink`, where the value at `bodyAt` is `body`'s text: written
 * from its bytes, and decoded only if a hole needs it as a string.
 */
export function fillBytes(sink: ByteSink, sk: ByteSkeleton, values: readonly string[], body: TextBody | null, bodyAt = -1): void {
  let bodyText: string | undefined;
  sink.bytes(sk.texts[0] as Uint8Array);
  for (let i = 0; i < sk.holes.length; i++) {
    const h = sk.holes[i] as Hole;
    const isBody = body !== null && h.index === bodyAt;
    if (!isBody || h.key || !writeBodyValue(sink, body.bytes, h.indent.length)) {
      const value = isBody ? (bodyText ??= body.text as string) : (values[h.index] as string);
      const j = sk.same[i] as number;
      const text = j >= 0 && (h.key || !value.includes('\n')) ? (written[j] as string) : holeTextOf(h, value);
      written[i] = text;
      sink.text(text);
    }
    sink.bytes(sk.texts[i + 1] as Uint8Array);
  }
}
