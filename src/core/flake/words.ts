import { finding, type Finding, type Position } from '../diagnostic.js';
import type { Word } from '../shebang/shellwords.js';
import type { FlakeLines } from './lines.js';

const BLANK = ' \t\n\r';
// Reserved so that their meaning can be decided later (args.cc): an error outside backticks.
const RESERVED = '$*~<>|;()[]{}\'"\\';

export type FlakeSplit = { words: Word[]; error?: undefined } | { words: Word[]; error: Finding };

/**
 * parseShebangContent (args.cc, Nix >= 2.19): words split on blanks; ``…``
 * is a verbatim string that may span lines, closed by exactly two backticks
 * (a single space before them is dropped), where a run of n >= 3 backticks
 * stands for n - 1 literal ones; a lone backtick, a reserved character or a
 * word starting with `#` is an error; unquoted text right before ``
 * is dropped (verified with 2.26). Messages are Nix's own.
 */
export function splitFlakeWords(fl: FlakeLines): FlakeSplit {
  const s = fl.content;
  const at = (i: number): Position => fl.positions[i] ?? fl.positions[fl.positions.length - 1] ?? { line: 1, col: 1 };
  const words: Word[] = [];
  const push = (value: string, from: number): void => {
    const p = at(from);
    words.push({ value, line: p.line, col: p.col, singleQuoted: false });
  };
  const fail = (i: number, rule: string, msg: string, hint: string): FlakeSplit => ({ words, error: finding(at(i), 'error', rule, msg, hint) });
  let acc = '';
  let from = 0;
  for (let i = 0; i < s.length; ) {
    const c = s[i] as string;
    if (BLANK.includes(c)) {
      if (acc !== '') push(acc, from);
      acc = '';
      i++;
    } else if (c === '`') {
      if (s[i + 1] !== '`') return fail(i, 'flake-backtick', 'single backtick is not a supported syntax in the nix shebang', 'quote with two backticks: ``text``');
      const q = quoted(s, i + 2);
      if (q === undefined) return fail(i, 'flake-unterminated', 'unterminated quoted string in nix shebang', 'close the string with two backticks (``), on this or a later #! nix line');
      // Nix starts the quoted string with an empty accumulator: unquoted text just before `` is lost.
      push(q.value, i);
      acc = '';
      i = q.next;
    } else if (RESERVED.includes(c)) {
      return fail(i, 'flake-reserved-char', `unsupported unquoted character in nix shebang: ${c}. Use double backticks to escape?`, `quote the word with double backticks: \`\`…${c}…\`\``);
    } else if (c === '#' && acc === '') {
      return fail(i, 'flake-hash-start', 'unquoted nix shebang argument cannot start with #. Use double backticks to escape?', 'a #! nix line has no comments: remove the text, or quote it with double backticks');
    } else {
      if (acc === '') from = i;
      acc += c;
      i++;
    }
  }
  if (acc !== '') push(acc, from);
  return { words };
}

/** The verbatim string starting at `i` (after the opening ``), and where parsing resumes; undefined if unterminated. */
function quoted(s: string, i: number): { value: string; next: number } | undefined {
  let acc = '';
  while (i < s.length) {
    const c = s[i] as string;
    const closesAt = (k: number): boolean => s[k] === '`' && s[k + 1] === '`' && s[k + 2] !== '`';
    if (c === ' ' && closesAt(i + 1)) return { value: acc, next: i + 3 };
    if (c === '`' && closesAt(i)) return { value: acc, next: i + 2 };
    if (c === '`' && s[i + 1] === '`' && s[i + 2] === '`') {
      // One escaping backtick, then the whole run verbatim.
      i++;
      while (s[i] === '`') {
        acc += '`';
        i++;
      }
    } else {
      acc += c;
      i++;
    }
  }
  return undefined;
}
