import type { Finding } from '../diagnostic.js';
import { emptyArgs, parseShebangArgs, type ShebangArgs } from './args.js';
import { matchNixShellLine, shebangCandidates, type ShebangLine, type SourceLine } from './lines.js';
import { splitShellWords, type Word } from './shellwords.js';

/** Everything nix-shell (>= 2.19) reads from a script's shebang lines. */
export interface ShebangModel {
  /** The first non-empty line, if the file has one. */
  firstLine: SourceLine | undefined;
  /** The first line starts with `#!`, so nix-shell reads the file in shebang mode. */
  hasShebang: boolean;
  /** The matched `#! nix-shell` lines (the first line never counts). */
  lines: ShebangLine[];
  words: Word[];
  args: ShebangArgs;
  /** The error at which nix-shell itself would stop, if any. */
  error: Finding | undefined;
}

export function parseShebang(text: string): ShebangModel {
  const all = shebangCandidates(text);
  const firstLine = all.first;
  const hasShebang = firstLine !== undefined && firstLine.text.startsWith('#!');
  const model: ShebangModel = { firstLine, hasShebang, lines: [], words: [], args: emptyArgs(), error: undefined };
  if (!hasShebang) return model;
  for (const l of all.hashBang) {
    if (l.line <= firstLine.line) continue;
    const sl = matchNixShellLine(l);
    if (!sl) continue;
    model.lines.push(sl);
    const split = splitShellWords(sl);
    for (const w of split.words) model.words.push(w);
    if (split.error) {
      model.error = split.error;
      return model;
    }
  }
  const parsed = parseShebangArgs(model.words);
  model.args = parsed.args;
  model.error = parsed.error;
  return model;
}

/** The JSON view of a parsed shebang (`nixpod check --format json`). */
export interface ShebangSummary {
  dialect: 'nix-shell' | null;
  interpreter: string | null;
  packages: string[];
  pure: boolean;
  keep: string[];
  nixPath: string[];
  args: Record<string, { kind: 'arg' | 'argstr'; value: string }>;
  run: string | null;
  attr: string[];
  expressionFiles: string[];
}

export function isNixShellScript(m: ShebangModel): boolean {
  return m.hasShebang && (m.lines.length > 0 || /nix-shell/.test(m.firstLine?.text ?? ''));
}

export function summarizeShebang(m: ShebangModel): ShebangSummary {
  const a = m.args;
  const args: ShebangSummary['args'] = {};
  for (const [name, v] of a.args) args[name] = { kind: v.kind, value: v.value };
  const positional = a.positional.map((w) => w.value);
  return {
    dialect: isNixShellScript(m) ? 'nix-shell' : null,
    interpreter: a.command?.kind === 'interpreter' ? a.command.value : null,
    packages: a.packagesFlag ? positional : [],
    pure: a.pure,
    keep: [...a.keep],
    nixPath: a.nixPath.map((w) => w.value),
    args,
    run: a.command && a.command.kind !== 'interpreter' ? a.command.value : null,
    attr: a.attr.map((w) => w.value),
    expressionFiles: !a.packagesFlag && !a.exprFlag ? positional : [],
  };
}
