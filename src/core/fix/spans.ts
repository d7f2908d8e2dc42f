/**
 * Where each word of one `#! nix-shell` line sits in its argument text, for
 * rewriting it: the same state machine as shebang/shellwords.ts (Nix >= 2.19),
 * but it keeps source offsets instead of values. Only used on lines that split
 * without an error.
 */
export interface WordSpan {
  /** Offsets in the line's argument text: the word's first character and one past its last. */
  start: number;
  end: number;
  /** Each single-quoted part: the offsets of its opening and closing quote. */
  singles: [number, number][];
}

const SPACE = /[ \t\n\v\f\r]/;

export function wordSpans(args: string): WordSpan[] {
  const spans: WordSpan[] = [];
  let cur: WordSpan = { start: 0, end: 0, singles: [] };
  let quote: '' | "'" | '"' = '';
  let open = 0;
  for (let i = 0; i < args.length; i++) {
    if (quote === '' && SPACE.test(args[i] as string)) {
      spans.push({ ...cur, end: i });
      while (i < args.length && SPACE.test(args[i] as string)) i++;
      if (i === args.length) return spans;
      cur = { start: i, end: i, singles: [] };
    }
    const ch = args[i];
    if (ch === "'" && quote !== '"') {
      if (quote === '') {
        quote = "'";
        open = i;
      } else {
        quote = '';
        cur.singles.push([open, i]);
      }
    } else if (ch === '"' && quote !== "'") quote = quote === '' ? '"' : '';
    else if (ch === '\\' && quote !== "'") i++;
  }
  spans.push({ ...cur, end: args.length });
  return spans;
}

/** The word's source text with each single-quoted part rewritten in double quotes (same value for Nix). */
export function doubleQuoted(args: string, span: WordSpan): string {
  let out = '';
  let at = span.start;
  for (const [open, close] of span.singles) {
    out += args.slice(at, open);
    out += `"${args.slice(open + 1, close).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    at = close + 1;
  }
  return out + args.slice(at, span.end);
}

/** A value as one unquoted shebang word: quotes and backslashes escaped (read the same by every Nix version). */
export function shebangWord(value: string): string {
  return value.replace(/[\\"']/g, (c) => `\\${c}`);
}
