import type { Position } from '../diagnostic.js';

/** One physical line of a script, without its `\n`. */
export interface SourceLine {
  text: string;
  /** 1-based line number. */
  line: number;
}

/**
 * The only lines nix-shell looks at: the first non-empty one (Nix splits the
 * file with tokenizeString(…, "\n"), which drops empty lines) and every line
 * that starts with `#!`. Scanning for them, rather than splitting the whole
 * file, keeps thousands of scripts cheap; and the scan ends at the last line
 * that starts with `#!` (found from the end), so a script's body is not read.
 */
export function shebangCandidates(text: string): { first: SourceLine | undefined; hashBang: SourceLine[] } {
  let first: SourceLine | undefined;
  const hashBang: SourceLine[] = [];
  // Where the last `#!` line starts (0 also when there is none: the first line is looked at anyway).
  const last = text.lastIndexOf('\n#!') + 1;
  let line = 1;
  for (let start = 0; start <= text.length && (start <= last || first === undefined); line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start && (first === undefined || (text.charCodeAt(start) === 0x23 && text.charCodeAt(start + 1) === 0x21))) {
      const l = { text: text.slice(start, end), line };
      first ??= l;
      if (l.text.startsWith('#!')) hashBang.push(l);
    }
    start = end + 1;
  }
  return { first, hashBang };
}

// nix-build.cc chomps with " \n\r\t" (not \v or \f).
const CHOMP = /[ \n\r\t]+$/;
// std::regex ECMAScript: `\s` is ASCII isspace, `.` is anything but \n and \r.
const NIX_SHELL_LINE = /^#![ \t\n\v\f\r]*nix-shell[ \t\n\v\f\r]+([^\n\r]*)$/;
// Nix 2.0–2.18: exactly one space after `nix-shell` (a tab hides the line; more spaces become an empty word).
const LEGACY_NIX_SHELL_LINE = /^#![ \t\n\v\f\r]*nix-shell ([^\n\r]*)$/;

/** A `#! nix-shell` line (Nix >= 2.19 rules) and where its arguments start. */
export interface ShebangLine {
  line: number;
  /** The argument text after `nix-shell` and its whitespace. */
  args: string;
  /** 1-based column of the first character of `args`. */
  argsCol: number;
}

/** `legacy`: Nix before 2.19 reads the line. */
export function matchNixShellLine(l: SourceLine, legacy = false): ShebangLine | undefined {
  // Most lines of a script are not `#!` lines: skip the regular expressions for them.
  if (l.text.charCodeAt(0) !== 0x23 || l.text.charCodeAt(1) !== 0x21) return undefined;
  const chomped = l.text.replace(CHOMP, '');
  const m = (legacy ? LEGACY_NIX_SHELL_LINE : NIX_SHELL_LINE).exec(chomped);
  if (!m) return undefined;
  const args = m[1] ?? '';
  return { line: l.line, args, argsCol: chomped.length - args.length + 1 };
}

export function at(line: number, col: number): Position {
  return { line, col };
}
