import { isNixShellScript, parseShebang, summarizeShebang, type ShebangModel, type ShebangSummary } from '../shebang/parse.js';
import { doubleQuoted, shebangWord, wordSpans } from './spans.js';

/** One change `check --fix` makes, at its place in the original file. */
export interface Fix {
  line: number;
  col: number;
  /** The check rule whose finding this fixes. */
  rule: 'crlf' | 'single-quotes' | 'duplicate-package' | 'unpinned-nixpkgs';
  message: string;
}

export interface FixOptions {
  /** Add `-I nixpkgs=<pin>` to a `-p`/`-E` script that does not pin nixpkgs itself. */
  nixpkgsPin?: string | undefined;
}

/** The fixed text and what changed; `refused` when the file is left alone, and why. */
export type FixPlan = { text: string; fixes: Fix[]; refused?: undefined } | { refused: string };

/** The rules `check --fix` can fix. */
export const FIXABLE_RULES: ReadonlySet<string> = new Set(['crlf', 'single-quotes', 'duplicate-package', 'unpinned-nixpkgs']);

/**
 * The safe fixes for one script: CRLF line endings, single-quoted words (to
 * double quotes, the same word for Nix >= 2.19 and one Nix < 2.19 reads too),
 * repeated `-p` packages, and an `-I nixpkgs=` pin when one is given. A file
 * nix-shell cannot read as a script is never touched; nor is one whose fixed
 * text nix-shell would read differently from what each fix intends.
 */
export function planFixes(text: string, opts: FixOptions = {}): FixPlan {
  if (text.startsWith('\uFEFF')) return { refused: 'it starts with a byte-order mark, which hides its #! line from nix-shell' };
  const model = parseShebang(text);
  if (!isNixShellScript(model)) return { refused: 'nix-shell does not read it as a script (no #! first line or no #! nix-shell line)' };
  if (model.error) return { refused: `nix-shell stops at line ${model.error.line}: ${model.error.message}` };
  const fixes: Fix[] = [];
  const crlf = text.indexOf('\r\n');
  let lf = text;
  if (crlf >= 0) {
    const count = text.split('\r\n').length - 1;
    lf = text.replaceAll('\r\n', '\n');
    fixes.push({ line: text.slice(0, crlf).split('\n').length, col: crlf - text.lastIndexOf('\n', crlf - 1), rule: 'crlf', message: `converted ${count} CRLF line ending${count === 1 ? '' : 's'} to LF` });
  }
  const before = parseShebang(lf);
  const pin = opts.nixpkgsPin !== undefined && needsPin(before) ? opts.nixpkgsPin : undefined;
  const rewritten = rewriteLines(lf, before, repeatedPackages(before), pin);
  fixes.push(...rewritten.fixes);
  const after = parseShebang(rewritten.text);
  const want = expectedSummary(summarizeShebang(before), pin);
  if (before.error || after.error || !after.hasShebang || JSON.stringify(summarizeShebang(after)) !== JSON.stringify(want)) {
    return { refused: 'the fixed file would not read the same to nix-shell (please report this)' };
  }
  return { text: rewritten.text, fixes: fixes.sort((a, b) => a.line - b.line || a.col - b.col) };
}

/** As the unpinned-nixpkgs check: `-p` or `-E` and no `-I nixpkgs=…` or bare `-I` entry. */
function needsPin(m: ShebangModel): boolean {
  const a = m.args;
  return (a.packagesFlag !== null || a.exprFlag !== null) && !a.nixPath.some((w) => w.value.startsWith('nixpkgs=') || !w.value.includes('='));
}

/** `line:col` of each `-p` word whose value came before: the later ones go. */
function repeatedPackages(m: ShebangModel): Map<string, string> {
  const out = new Map<string, string>();
  if (!m.args.packagesFlag) return out;
  const seen = new Set<string>();
  for (const w of m.args.positional) {
    if (seen.has(w.value) && w.compoundOf === undefined) out.set(`${w.line}:${w.col}`, w.value);
    seen.add(w.value);
  }
  return out;
}

function expectedSummary(s: ShebangSummary, pin: string | undefined): ShebangSummary {
  return { ...s, packages: [...new Set(s.packages)], nixPath: pin === undefined ? s.nixPath : [`nixpkgs=${pin}`, ...s.nixPath] };
}

/** Rewrite each `#! nix-shell` line's argument text word by word; a line left without words goes. */
function rewriteLines(text: string, model: ShebangModel, repeated: Map<string, string>, pin: string | undefined): { text: string; fixes: Fix[] } {
  const lines = text.split('\n');
  const dropped = new Set<number>();
  const fixes: Fix[] = [];
  let pinPending = pin;
  for (const sl of model.lines) {
    const spans = wordSpans(sl.args);
    let out = '';
    let kept = 0;
    spans.forEach((sp, i) => {
      const col = sl.argsCol + sp.start;
      const raw = sl.args.slice(sp.start, sp.end);
      const value = repeated.get(`${sl.line}:${col}`);
      if (value !== undefined) return void fixes.push({ line: sl.line, col, rule: 'duplicate-package', message: `removed the repeated package ${raw}` });
      const word = sp.singles.length > 0 ? doubleQuoted(sl.args, sp) : raw;
      if (word !== raw) fixes.push({ line: sl.line, col, rule: 'single-quotes', message: `${raw} -> ${word}` });
      out += (kept++ === 0 ? '' : sl.args.slice(spans[i - 1]?.end ?? 0, sp.start)) + word;
    });
    if (kept === 0) {
      dropped.add(sl.line - 1);
      continue;
    }
    if (pinPending !== undefined) {
      const flag = `-I nixpkgs=${shebangWord(pinPending)}`;
      out = `${flag} ${out}`;
      fixes.push({ line: sl.line, col: sl.argsCol, rule: 'unpinned-nixpkgs', message: `added ${flag}` });
      pinPending = undefined;
    }
    const raw = lines[sl.line - 1] as string;
    const at = sl.argsCol - 1;
    lines[sl.line - 1] = raw.slice(0, at) + out + raw.slice(at + sl.args.length);
  }
  return { text: lines.filter((_, i) => !dropped.has(i)).join('\n'), fixes };
}
