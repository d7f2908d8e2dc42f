import type { Position } from '../diagnostic.js';
import { lexNix } from '../nix/lexer.js';
import { analyzeNixWord } from '../nix/word.js';
import type { ShebangModel } from '../shebang/parse.js';
import { colAt } from '../shebang/shellwords.js';
import { isRemoteTarget, nixPathTarget } from '../check/path-refs.js';

/** A path nixpkgs cannot reach by URL or search path, nor absolute or in a home folder: one to ship. */
const isRelativeLocal = (p: string): boolean => !p.startsWith('<') && !isRemoteTarget(p) && !p.startsWith('/') && !p.startsWith('~');

/**
 * A local file or folder a script's shebang names, which nixpod ships in the
 * ConfigMap so that nix-shell finds it in the Pod:
 * - `expr-file`: an expression file (`shell.nix`, `../default.nix`; a folder means its shell.nix, else default.nix);
 * - `path`: a relative path literal in a `-p` word, `-E` expression or `--arg` value (a folder means its default.nix);
 * - `include`: a relative `-I [name=]dir` (the whole folder).
 * Nix 2.24+ resolves the first two against the script's folder; `-I` against the working
 * directory, which nixpod sets to the script's folder in the Pod, and resolves the same way.
 */
export interface LocalRef {
  kind: 'expr-file' | 'path' | 'include';
  /** As written in the script. */
  target: string;
  at: Position;
}

export const refKey = (r: Pick<LocalRef, 'kind' | 'target'>): string => `${r.kind}\0${r.target}`;

export function findLocalRefs(model: ShebangModel): LocalRef[] {
  const a = model.args;
  if (model.error) return [];
  const out: LocalRef[] = [];
  if (!a.packagesFlag && !a.exprFlag) {
    for (const w of a.positional) if (isRelativeLocal(w.value)) out.push({ kind: 'expr-file', target: w.value, at: w });
  }
  // `at` is the word itself, or (for --arg, whose value's own position is not kept) the flag.
  const pathsIn = (text: string, at: Position & { cols?: number[] }, inWord: boolean): void => {
    // Every path literal has a slash: most words need no lexing here.
    if (!text.includes('/')) return;
    for (const p of analyzeNixWord(text).paths) if (p.kind === 'relative') out.push({ kind: 'path', target: p.text, at: { line: at.line, col: inWord ? colAt(at, p.offset) : at.col } });
  };
  if (a.packagesFlag || a.exprFlag) for (const w of a.positional) pathsIn(w.value, w, true);
  // `#! nix`: `--file FILE` and paths in `--expr` resolve against the script's folder, like nix-shell's.
  const f = model.flake;
  if (f?.file && isRelativeLocal(f.file.value)) out.push({ kind: 'expr-file', target: f.file.value, at: f.file });
  if (f?.expr) pathsIn(f.expr.value, f.expr, true);
  for (const [, v] of a.args) if (v.kind === 'arg') pathsIn(v.value, v.at, false);
  for (const w of a.nixPath) {
    const t = includeTarget(w.value);
    if (t !== undefined) out.push({ kind: 'include', target: t, at: w });
  }
  return out;
}

/** The relative folder of a `-I [name=]path` entry, if it is one. */
export function includeTarget(value: string): string | undefined {
  const target = nixPathTarget(value);
  return target !== '' && isRelativeLocal(target) ? target : undefined;
}

/** Relative path literals in a Nix file (`import ./lib.nix`, `callPackage ../pkgs {}`): the files it reads. */
export function nixFileImports(text: string): string[] {
  return lexNix(text)
    .tokens.filter((t) => t.kind === 'path' && !t.text.startsWith('/'))
    .map((t) => t.text);
}
