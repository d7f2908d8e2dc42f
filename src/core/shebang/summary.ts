import { isScriptWord } from '../flake/args.js';
import type { ShebangModel } from './parse.js';

/** The JSON view of a parsed shebang (`nixpod check --format json`), the same shape for both dialects. */
export interface ShebangSummary {
  dialect: 'nix-shell' | 'nix' | null;
  /** nix-shell: `-i`; nix: the `--command` program (`nix run`: null, the installable's own program runs). */
  interpreter: string | null;
  /** nix-shell: the `-p` words; nix: the installables as written (`nixpkgs#jq`). */
  packages: string[];
  pure: boolean;
  keep: string[];
  nixPath: string[];
  args: Record<string, { kind: 'arg' | 'argstr'; value: string }>;
  run: string | null;
  attr: string[];
  /** nix-shell: expression files; nix: the `--file` value. */
  expressionFiles: string[];
}

export function isNixShellScript(m: ShebangModel): boolean {
  return m.dialect !== null;
}

export function summarizeShebang(m: ShebangModel): ShebangSummary {
  const a = m.args;
  const args: ShebangSummary['args'] = {};
  for (const [name, v] of a.args) args[name] = { kind: v.kind, value: v.value };
  const env = { pure: a.pure, keep: [...a.keep], nixPath: a.nixPath.map((w) => w.value), args };
  const f = m.flake;
  if (m.dialect === 'nix') {
    const program = f?.exec[0];
    const interpreter = program && !isScriptWord(program) ? program.value : null;
    const packages = (f?.installables ?? []).filter((w) => !isScriptWord(w)).map((w) => w.value);
    return { dialect: m.dialect, interpreter, packages, ...env, run: null, attr: [], expressionFiles: f?.file ? [f.file.value] : [] };
  }
  const positional = a.positional.map((w) => w.value);
  // The key order is the JSON's: keep it.
  return {
    dialect: m.dialect,
    interpreter: a.command?.kind === 'interpreter' ? a.command.value : null,
    packages: a.packagesFlag ? positional : [],
    ...env,
    run: a.command && a.command.kind !== 'interpreter' ? a.command.value : null,
    attr: a.attr.map((w) => w.value),
    expressionFiles: !a.packagesFlag && !a.exprFlag ? positional : [],
  };
}
