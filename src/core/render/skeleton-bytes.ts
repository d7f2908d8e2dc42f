import { holeText, type Hole, type TextSkeleton } from './skeleton.js';
import { writeBodyValue, type ByteSink } from './yaml-bytes.js';

/** A TextSkeleton whose texts are UTF-8 already: filling it copies them. */
export interface ByteSkeleton {
  texts: Uint8Array[];
  holes: Hole[];
}

/** `sk` as bytes, with `head` before its first text (`---\n` for a document of a stream). */
export function byteSkeleton(sk: TextSkeleton, head = ''): ByteSkeleton {
  return { texts: sk.texts.map((t, i) => Buffer.from(i === 0 ? head + t : t, 'utf8')), holes: sk.holes };
}

/** A text script's body, taken as bytes at hole `index`; its text is read (decoded) only where the byte path declines. */
export interface BodyBytes {
  index: number;
  script: { bytes: Uint8Array; text: string | null };
}

// A one-line value's text is the same at any indentation: made once per fill, as fillText does.
const made: (string | undefined)[] = [];

/**
 * Exactly the UTF-8 of `fillText(sk, values)` (with `head` before it),
 * written into `sink`. With `body`, `values[body.index]` is set to the
 * script's text only if a hole needs it as a string.
 */
export function fillBytes(sink: ByteSink, sk: ByteSkeleton, values: string[], body: BodyBytes | null): void {
  made.fill(undefined);
  sink.bytes(sk.texts[0] as Uint8Array);
  for (let i = 0; i < sk.holes.length; i++) {
    const h = sk.holes[i] as Hole;
    if (h.index !== body?.index || h.key || !writeBodyValue(sink, body.script.bytes, h.indent.length)) {
      if (h.index === body?.index) values[h.index] ??= body.script.text as string;
      const at = 2 * h.index + (h.key ? 1 : 0);
      let text = made[at];
      if (text === undefined) {
        text = holeText(h, values);
        if (h.key || !(values[h.index] as string).includes('\n')) made[at] = text;
      }
      sink.text(text);
    }
    sink.bytes(sk.texts[i + 1] as Uint8Array);
  }
}
