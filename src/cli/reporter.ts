import { countBySeverity, type Diagnostic } from '../core/diagnostic.js';
import { appendTo } from '../core/group.js';
import type { SkipKind, SkipCounts } from '../io/scan.js';
import { errnoText } from '../io/errno.js';

export type DiagnosticFormat = 'text' | 'json' | 'github' | 'sarif';

/** Past this, a message or hint quoting a huge word is shortened for people (`--format json` keeps it whole). */
const READABLE = 400;

/** The start and the end of a very long text, saying how much was left out. */
export function elide(s: string): string {
  return s.length <= READABLE ? s : `${s.slice(0, 240)}…[${s.length - 320} characters]…${s.slice(-80)}`;
}

/* eslint-disable-next-line no-control-regex -- control characters are what it finds */
const CONTROL = /[\x00-\x1f\x7f]/g;
const hexEscape = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
/** A file name with a newline or other control character stays on its line: `\n` as `\x0a`. */
export const printablePath = (p: string): string => p.replace(CONTROL, hexEscape);
// A message or hint names paths, packages and settings as written (a path may hold a newline): it stays on its line too.
// Tabs are kept. Shortened first (elide counts the text's own characters), then made printable.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const MESSAGE_CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;
const oneLine = (m: string): string => m.replace(MESSAGE_CONTROL, hexEscape);

/** GNU style: `path:line:col: severity: message [rule]`, then an indented `hint:` line. */
export function formatText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => `${printablePath(d.path)}:${d.line}:${d.col}: ${d.severity}: ${oneLine(elide(d.message))} [${d.rule}]${d.hint ? `\n  hint: ${oneLine(elide(d.hint))}` : ''}\n`)
    .join('');
}

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProp = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=rule::message`. */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const props = `file=${escapeProp(d.path)},line=${d.line},col=${d.col},title=${escapeProp(`nixpod ${d.rule}`)}`;
      const msg = d.hint ? `${elide(d.message)}\n${elide(d.hint)}` : elide(d.message);
      return `::${d.severity} ${props}::${escapeData(msg)}\n`;
    })
    .join('');
}

/** Each kind of file left out (see io/scan.ts): singular, plural, why. */
const SKIP_WORDS: Record<SkipKind, [string, string, string]> = {
  'no-shebang': ['other file', 'other files', 'no #! nix-shell line'],
  symlink: ['symlink', 'symlinks', 'not followed inside folders, name it to use it'],
  hidden: ['hidden file or folder', 'hidden files or folders', 'dot-names are never scripts'],
  node_modules: ['node_modules folder', 'node_modules folders', 'dependencies'],
  'image-build': ['nixpod image folder', 'nixpod image folders', 'script copies written by nixpod image (.nixpod-image), name it to read it'],
  fifo: ['FIFO', 'FIFOs', 'never read'],
  socket: ['socket', 'sockets', 'never read'],
  device: ['device', 'devices', 'never read'],
  'bad-name': ['file with a name that is not UTF-8', 'files with names that are not UTF-8', 'rename them to read them'],
};

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** `1 error, 0 warnings in 3 scripts (2 other files skipped: no #! nix-shell line; 1 symlink skipped: …)`. A number counts other files only. */
export function formatSummary(diagnostics: readonly Diagnostic[], scripts: number, skipped: number | SkipCounts): string {
  const { errors, warnings } = countBySeverity(diagnostics);
  const counts: SkipCounts = typeof skipped === 'number' ? { 'no-shebang': skipped } : skipped;
  const parts = (Object.keys(SKIP_WORDS) as SkipKind[]).flatMap((k) => {
    const n = counts[k] ?? 0;
    const [one, many, why] = SKIP_WORDS[k];
    return n > 0 ? [`${n} ${n === 1 ? one : many} skipped: ${why}`] : [];
  });
  const skip = parts.length > 0 ? ` (${parts.join('; ')})` : '';
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(scripts, 'script')}${skip}\n`;
}

/** One error in nixpod's own voice: `nixpod: error: …` and, when there is one, what to do. */
export function formatError(message: string, hint: string | undefined): string {
  return `nixpod: error: ${message}\n${hint ? `  hint: ${hint}\n` : ''}`;
}

/** A write to stdout that failed (ENOSPC, EFBIG, EIO): what was written is incomplete. */
export const formatStdoutFailure = (e: unknown): string =>
  formatError(`cannot write to stdout: ${errnoText(e)}`, 'the output is incomplete: free space (ENOSPC), raise the file size limit (EFBIG), or write elsewhere');

/** Up to this many warnings of one rule, render and apply print them in full; past it, one line for the rule. */
const FULL_UP_TO = 3;
/** The files a rule's summary line names before `and N more`. */
const NAMED_FILES = 3;

/**
 * What render, apply, diff and run print of a run's findings: every error in
 * full; a rule's warnings in full when there are few, else one line with
 * their count, the first message and the first files, and a pointer to
 * `nixpod check` for the full list. `quiet` leaves warnings out.
 */
export function formatRunFindings(diagnostics: readonly Diagnostic[], quiet: boolean): string {
  const byRule = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) if (d.severity === 'warning') appendTo(byRule, d.rule, d);
  const many = (d: Diagnostic): boolean => (byRule.get(d.rule)?.length ?? 0) > FULL_UP_TO;
  const full = formatText(diagnostics.filter((d) => d.severity !== 'warning' || (!quiet && !many(d))));
  if (quiet) return full;
  const lines = [...byRule].filter(([, ds]) => ds.length > FULL_UP_TO).map(([rule, ds]) => summaryLine(rule, ds));
  return full + lines.join('') + (lines.length > 0 ? '  hint: run nixpod check to list every warning (--quiet leaves them out)\n' : '');
}

/** `warning: 1430 × [duplicate-package] in 1430 files (a.sh, b.sh, c.sh and 1427 more), first at a.sh:2:50: message`. */
function summaryLine(rule: string, all: readonly Diagnostic[]): string {
  const files = [...new Set(all.map((d) => d.path))];
  const named = files.slice(0, NAMED_FILES).map(printablePath).join(', ');
  const rest = files.length > NAMED_FILES ? ` and ${files.length - NAMED_FILES} more` : '';
  const first = all[0] as Diagnostic;
  return `warning: ${all.length} × [${rule}] in ${plural(files.length, 'file')} (${named}${rest}), first at ${printablePath(first.path)}:${first.line}:${first.col}: ${oneLine(elide(first.message))}\n`;
}
