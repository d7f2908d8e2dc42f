import { finding, type Finding } from '../diagnostic.js';
import { shebangCandidates } from '../shebang/lines.js';
import { splitShellWords, type Word } from '../shebang/shellwords.js';

/** A `#! nixpod` line: found and split exactly like `#! nix-shell` lines (see shebang/lines.ts). */
export interface NixpodLine {
  line: number;
  args: string;
  argsCol: number;
}

const CHOMP = /[ \n\r\t]+$/;
const NIXPOD_LINE = /^#![ \t\n\v\f\r]*nixpod[ \t\n\v\f\r]+([^\n\r]*)$/;

/**
 * The words of a script's `#! nixpod` lines: every line after the first that
 * starts with `#!` and then `nixpod` (Nix's own rule for `#! nix-shell`
 * lines, so real Nix never reads these). Only in a file that starts with `#!`.
 */
export function nixpodWords(text: string): { words: Word[]; findings: Finding[] } {
  const words: Word[] = [];
  const findings: Finding[] = [];
  // Most scripts have no such line: skip the line scan for them.
  if (!text.includes('nixpod')) return { words, findings };
  const { first, hashBang } = shebangCandidates(text);
  if (first === undefined || !first.text.startsWith('#!')) return { words, findings };
  for (const l of hashBang) {
    if (l.line <= first.line) continue;
    const chomped = l.text.replace(CHOMP, '');
    const m = NIXPOD_LINE.exec(chomped);
    if (!m) continue;
    const args = m[1] ?? '';
    const split = splitShellWords({ line: l.line, args, argsCol: chomped.length - args.length + 1 });
    words.push(...split.words);
    if (split.error) findings.push(ownError(split.error));
  }
  return { words, findings };
}

/** The splitter speaks of what nix-shell does; Nix never reads these lines, so say what nixpod does. */
function ownError(f: Finding): Finding {
  const message = f.rule === 'trailing-backslash' ? 'a #! nixpod line ends in a backslash (lines do not continue)' : 'unterminated quote on a #! nixpod line';
  return { ...f, message, hint: f.rule === 'trailing-backslash' ? 'remove the trailing backslash, or quote it' : 'close the quote on the same line; quotes cannot span lines' };
}

export function wordFinding(w: Word, rule: string, message: string, hint?: string, severity: 'error' | 'warning' = 'error'): Finding {
  return finding({ line: w.line, col: w.col }, severity, rule, message, hint);
}
