import type { Position } from '../diagnostic.js';
import type { ShebangLine } from '../shebang/lines.js';

/**
 * The `#! nix` lines of a script, read as the `nix` command does (args.cc,
 * RootArgs::parseCmdline, Nix >= 2.19): after the first line, only while each
 * line is non-empty and starts with a comment character; of those, the lines
 * matching `^#!\s*nix(:? |$)(.*)$` give their rest plus "\n" to one buffer,
 * which parseShebangContent then splits (words may span lines).
 */
export interface FlakeLines {
  lines: ShebangLine[];
  /** The joined content, and the file position of each of its characters. */
  content: string;
  positions: Position[];
  /** Where the comment block ended, if a line ended it (for hints). */
  endedAt: Position | undefined;
}

// `(` counts from 2.22 on.
const COMMENT_START = '#/\\%@*-';
// std::regex ECMAScript: `\s` is ASCII isspace, `.` is anything but \n and \r.
const NIX_LINE = /^#![ \t\n\v\f\r]*nix(?::? |$)([^\n\r]*)$/;
const CHOMP = /[ \n\r\t]+$/;

export function scanFlakeLines(text: string, parenComments: boolean): FlakeLines {
  const out: FlakeLines = { lines: [], content: '', positions: [], endedAt: undefined };
  const starts = parenComments ? `${COMMENT_START}(` : COMMENT_START;
  let start = text.indexOf('\n') + 1;
  // std::getline: no line after a file without "\n".
  if (start === 0) return out;
  const parts: string[] = [];
  for (let line = 2; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    if (raw === '' || !starts.includes(raw[0] as string)) {
      out.endedAt = { line, col: 1 };
      break;
    }
    const chomped = raw.replace(CHOMP, '');
    const m = NIX_LINE.exec(chomped);
    if (m) {
      const args = m[1] ?? '';
      const argsCol = chomped.length - args.length + 1;
      out.lines.push({ line, args, argsCol });
      parts.push(args, '\n');
      for (let i = 0; i <= args.length; i++) out.positions.push({ line, col: argsCol + i });
    }
    start = end + 1;
  }
  out.content = parts.join('');
  return out;
}
