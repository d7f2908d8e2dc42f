import type { Position } from '../diagnostic.js';

/** One physical line of a script, without its `\n`. */
export interface SourceLine {
  text: string;
  /** 1-based line number. */
  line: number;
}

export function splitLines(text: string): SourceLine[] {
  return text.split('\n').map((t, i) => ({ text: t, line: i + 1 }));
}

/**
 * Nix splits the file with tokenizeString(…, "\n"), which drops empty lines,
 * so its "first line" is the first non-empty physical line.
 */
export function firstNonEmptyLine(lines: readonly SourceLine[]): SourceLine | undefined {
  return lines.find((l) => l.text.length > 0);
}

// nix-build.cc chomps with " \n\r\t" (not \v or \f).
const CHOMP = /[ \n\r\t]+$/;
// std::regex ECMAScript: `\s` is ASCII isspace, `.` is anything but \n and \r.
const NIX_SHELL_LINE = /^#![ \t\n\v\f\r]*nix-shell[ \t\n\v\f\r]+([^\n\r]*)$/;

/** A `#! nix-shell` line (Nix >= 2.19 rules) and where its arguments start. */
export interface ShebangLine {
  line: number;
  /** The argument text after `nix-shell` and its whitespace. */
  args: string;
  /** 1-based column of the first character of `args`. */
  argsCol: number;
}

export function matchNixShellLine(l: SourceLine): ShebangLine | undefined {
  const chomped = l.text.replace(CHOMP, '');
  const m = NIX_SHELL_LINE.exec(chomped);
  if (!m) return undefined;
  const args = m[1] ?? '';
  return { line: l.line, args, argsCol: chomped.length - args.length + 1 };
}

export function at(line: number, col: number): Position {
  return { line, col };
}
