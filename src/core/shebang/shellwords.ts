import { finding, type Finding } from '../diagnostic.js';
import type { ShebangLine } from './lines.js';

/** A word of the `#! nix-shell` lines, with where it starts in the file. */
export interface Word {
  value: string;
  line: number;
  col: number;
  /** The word used single quotes, which Nix before 2.19 does not understand. */
  singleQuoted: boolean;
  /** Set on the pieces of an expanded compound flag (`-ibash` -> `-i -b -a -s -h`). */
  compoundOf?: string;
  /** The column of each character of `value`, when quotes or escapes make them differ from `col + i`. */
  cols?: number[];
}

/** The file column of character `offset` of a word's value. */
export function colAt(w: Pick<Word, 'col' | 'cols'>, offset: number): number {
  return w.cols?.[offset] ?? w.col + offset;
}

export type SplitResult = { words: Word[]; error?: undefined } | { words: Word[]; error: Finding };

const SPACE = /[ \t\n\v\f\r]/;

/**
 * Split one line's arguments exactly like nix-build.cc's `shellwords` (Nix >= 2.19):
 * a whitespace run ends a word (pushed even when empty), `'` and `"` toggle
 * quoting and concatenate with adjacent text, and `\` outside single quotes
 * takes the next character literally — also inside double quotes.
 */
export function splitShellWords(sl: ShebangLine): SplitResult {
  const s = sl.args;
  const words: Word[] = [];
  let cur = '';
  let cols: number[] = [];
  let start = 0;
  let single = false;
  let quote: '' | "'" | '"' = '';
  let quoteAt = 0;
  const push = (): void => {
    const col = sl.argsCol + start;
    const w: Word = { value: cur, line: sl.line, col, singleQuoted: single };
    if (cols.some((c, k) => c !== col + k)) w.cols = cols;
    words.push(w);
    cur = '';
    cols = [];
    single = false;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote === '' && SPACE.test(c)) {
      push();
      while (i < s.length && SPACE.test(s[i] as string)) i++;
      if (i === s.length) return { words };
      start = i;
    }
    const ch = s[i] as string;
    if (ch === "'" && quote !== '"') {
      if (quote === '') {
        quote = "'";
        quoteAt = i;
        single = true;
      } else quote = '';
    } else if (ch === '"' && quote !== "'") {
      if (quote === '') {
        quote = '"';
        quoteAt = i;
      } else quote = '';
    } else if (ch === '\\' && quote !== "'") {
      if (i + 1 >= s.length) {
        const hint = 'remove the trailing backslash, or quote it';
        const msg = 'line ends in a backslash: real nix-shell loops forever on it (100% CPU, ignores SIGTERM)';
        return { words, error: finding({ line: sl.line, col: sl.argsCol + i }, 'error', 'trailing-backslash', msg, hint) };
      }
      i++;
      cur += s[i];
      cols.push(sl.argsCol + i);
    } else {
      cur += ch;
      cols.push(sl.argsCol + i);
    }
  }
  if (quote !== '') {
    const name = quote === '"' ? 'double' : 'single';
    const msg = `unterminated ${name} quote: nix-shell stops with "unterminated quote in shebang line"`;
    const hint = `close the ${name} quote on the same line; quotes cannot span #! nix-shell lines`;
    return { words, error: finding({ line: sl.line, col: sl.argsCol + quoteAt }, 'error', 'unterminated-quote', msg, hint) };
  }
  push();
  return { words };
}
