import type { Finding } from '../diagnostic.js';
import { finding } from '../diagnostic.js';
import { emptyArgs, parseShebangArgs, type ShebangArgs } from './args.js';
import { firstLineProgram } from './dialect.js';
import { splitLegacyWords } from './legacy-words.js';
import { matchNixShellLine, shebangCandidates, type ShebangLine, type SourceLine } from './lines.js';
import { CURRENT_RULES, type NixRules } from './nix-version.js';
import { splitShellWords, type Word } from './shellwords.js';
import { parseFlakeArgs, type FlakeArgs } from '../flake/args.js';
import { scanFlakeLines } from '../flake/lines.js';
import { splitFlakeWords } from '../flake/words.js';

/** `nix-shell`: `#! nix-shell` lines; `nix`: `#!/usr/bin/env nix` with `#! nix` lines (Nix >= 2.19). */
export type Dialect = 'nix-shell' | 'nix';

/** Everything Nix reads from a script's shebang lines. */
export interface ShebangModel {
  /** The first non-empty line, if the file has one. */
  firstLine: SourceLine | undefined;
  /** The first line starts with `#!`, so nix-shell reads the file in shebang mode. */
  hasShebang: boolean;
  /** Which program reads the lines below; null: neither (not a script). */
  dialect: Dialect | null;
  /** The matched `#! nix-shell` (or `#! nix`) lines (the first line never counts). */
  lines: ShebangLine[];
  words: Word[];
  /** What nix-shell makes of the words; for `#! nix` scripts the parts they share (pure, keep, -I, --arg). */
  args: ShebangArgs;
  /** What `nix` makes of the words of a `#! nix` script; null for nix-shell scripts. */
  flake: FlakeArgs | null;
  /** The Nix version whose rules read the script. */
  rules: NixRules;
  /** The error at which Nix itself would stop, if any. */
  error: Finding | undefined;
}

export interface ParseOptions {
  /** Read as this Nix version would (default: current Nix). */
  rules?: NixRules;
  /** Arguments the script is run with (`nix` appends them after the script path). */
  scriptArgs?: readonly string[];
}

export function parseShebang(text: string, opts: ParseOptions = {}): ShebangModel {
  const rules = opts.rules ?? CURRENT_RULES;
  const all = shebangCandidates(text);
  const firstLine = all.first;
  const hasShebang = firstLine !== undefined && firstLine.text.startsWith('#!');
  const model: ShebangModel = { firstLine, hasShebang, dialect: null, lines: [], words: [], args: emptyArgs(), flake: null, rules, error: undefined };
  if (!hasShebang) return model;
  const legacy = !rules.modernWords;
  const program = firstLineProgram(firstLine.text);
  if (program !== 'nix') {
    for (const l of all.hashBang) {
      if (l.line <= firstLine.line) continue;
      const sl = matchNixShellLine(l, legacy);
      if (sl) model.lines.push(sl);
    }
  }
  if (program === 'nix' || (model.lines.length === 0 && program !== 'nix-shell' && text.startsWith('#!') && scanFlakeLines(text, true).lines.length > 0)) {
    return parseFlakeScript(text, model, opts);
  }
  model.dialect = model.lines.length > 0 || program === 'nix-shell' || /nix-shell/.test(firstLine.text) ? 'nix-shell' : null;
  for (const sl of model.lines) {
    const split = legacy ? splitLegacyWords(sl) : splitShellWords(sl);
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

function parseFlakeScript(text: string, model: ShebangModel, opts: ParseOptions): ShebangModel {
  model.dialect = 'nix';
  const v = model.rules.version?.text;
  if (!model.rules.flakeShebang) {
    const msg = `the Pod's Nix ${v ?? ''} has no #! nix scripts (they came with Nix 2.19): it reads the script's path as a command name and stops`;
    model.error = finding({ line: 1, col: 1 }, 'error', 'nix-too-old', msg, 'use an image with Nix 2.19 or later (nixos/nix:2.24.0 …), or rewrite the script with #! nix-shell lines');
    return model;
  }
  // Nix checks the file's first two bytes, not its first non-empty line.
  if (!text.startsWith('#!')) return model;
  const fl = scanFlakeLines(text, model.rules.parenComments);
  model.lines = fl.lines;
  const split = splitFlakeWords(fl);
  model.words = split.words;
  if (split.error) {
    model.error = split.error;
    return model;
  }
  const parsed = parseFlakeArgs(split.words, opts.scriptArgs);
  model.flake = parsed.args;
  model.error = parsed.error;
  const f = parsed.args;
  const a = model.args;
  a.pure = f.ignoreEnv !== null;
  a.pureFlag = f.ignoreEnv;
  a.keep = f.keep;
  a.nixPath = f.nixPath;
  a.args = f.args;
  a.neverRuns = f.neverRuns;
  return model;
}

// The summary lives in summary.ts; re-exported so that callers keep one import.
export { isNixShellScript, summarizeShebang, type ShebangSummary } from './summary.js';
