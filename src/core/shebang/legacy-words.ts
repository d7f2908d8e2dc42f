import { finding } from '../diagnostic.js';
import type { ShebangLine } from './lines.js';
import type { SplitResult, Word } from './shellwords.js';

const SPACE = /[ \t\n\v\f\r]/;

/**
 * Split one line's arguments like nix-build.cc's `shellwords` of Nix 2.0–2.18
 * (verified with 2.8): only `"` quotes and `\` escapes, single quotes are
 * ordinary characters; a whitespace run pushes the word so far even when empty
 * (so extra spaces after `nix-shell` give a leading empty word), a trailing
 * empty word is dropped, and an unterminated `"` runs to the end of the line.
 */
export function splitLegacyWords(sl: ShebangLine): SplitResult {
  const s = sl.args;
  const words: Word[] = [];
  let cur = '';
  let cols: number[] = [];
  let start = 0;
  let quoted = false;
  const push = (): void => {
    const col = sl.argsCol + start;
    const w: Word = { value: cur, line: sl.line, col, singleQuoted: false };
    if (cols.some((c, k) => c !== col + k)) w.cols = cols;
    words.push(w);
    cur = '';
    cols = [];
  };
  for (let i = 0; i < s.length; i++) {
    if (!quoted && SPACE.test(s[i] as string)) {
      push();
      while (i < s.length && SPACE.test(s[i] as string)) i++;
      start = i;
      // The line was chomped, so a whitespace run never ends it.
      if (i === s.length) break;
    }
    const ch = s[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (ch === '\\') {
      if (i + 1 >= s.length) {
        const msg = 'line ends in a backslash: real nix-shell loops forever on it (100% CPU, ignores SIGTERM)';
        return { words, error: finding({ line: sl.line, col: sl.argsCol + i }, 'error', 'trailing-backslash', msg, 'remove the trailing backslash, or quote it') };
      }
      i++;
      cur += s[i];
      cols.push(sl.argsCol + i);
    } else {
      cur += ch;
      cols.push(sl.argsCol + i);
    }
  }
  if (cur !== '') push();
  return { words };
}
