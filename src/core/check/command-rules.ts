import { finding, type Finding, type Position } from '../diagnostic.js';
import type { ShebangModel } from '../shebang/parse.js';
import { nixPathFinding, pathRefFindings, isRemoteTarget } from './path-refs.js';
import { analyzeNixWord } from '../nix/word.js';

/** Guess the `-i` a script wants from its file name, for hints. */
export function guessInterpreter(fileName: string): string {
  const ext = extOf(fileName).slice(1).toLowerCase();
  const byExt: Record<string, string> = { py: 'python3', rb: 'ruby', pl: 'perl', js: 'node', hs: 'runghc', el: 'emacs --script', lua: 'lua' };
  return (ext && byExt[ext]) || 'bash';
}

/** A file name's extension, dot included, when it is letters only (`.py`, `.SH`), else '': all guessInterpreter reads of the name (the check memo keys on it too, once per script). */
export function extOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0 || dot === fileName.length - 1) return '';
  for (let i = dot + 1; i < fileName.length; i++) {
    const c = fileName.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) return '';
  }
  return fileName.slice(dot);
}

/** How nix-shell will run (or not run) the script, and what it builds. */
export function checkCommand(model: ShebangModel, fileName: string): Finding[] {
  const a = model.args;
  const out: Finding[] = [];
  const pos: Position = { line: model.lines[0]?.line ?? model.firstLine?.line ?? 1, col: 1 };
  if (a.packagesFlag && a.exprFlag) {
    out.push(finding(a.exprFlag, 'error', 'packages-and-expr', "'-p' and '-E' are mutually exclusive: nix-shell refuses to start", 'use -p for packages, or -E for one expression, not both'));
  }
  if (a.neverRuns) {
    const why = a.neverRuns.value === '-' ? 'makes nix-shell read a Nix expression from standard input' : 'makes nix-shell print and exit';
    out.push(finding(a.neverRuns, 'error', 'never-runs', `'${a.neverRuns.value}' ${why}: the script itself never runs`, `remove '${a.neverRuns.value}'`));
  }
  if (!a.command) {
    const i = guessInterpreter(fileName);
    out.push(finding(pos, 'error', 'no-command', 'no -i, --run or --command: nix-shell only sets up an environment and the script body never runs in the Pod', `add a line: #! nix-shell -i ${i}`));
  }
  out.push(...checkInputs(model, pos));
  if (a.attr.length > 0 && a.packagesFlag) {
    const w = a.attr[0]!;
    out.push(finding(w, 'error', 'attr-with-packages', `-A ${w.value} selects an attribute of the shell that -p builds, which has none by that name`, 'remove -A, or drop -p and name an expression file'));
  }
  if (a.impureAfterPure) {
    out.push(finding(a.impureAfterPure, 'warning', 'impure-after-pure', '--impure does not undo --pure in nix-shell: the environment stays pure', 'remove --pure (and --impure) if the script needs the outer environment, or --keep NAME for single variables'));
  }
  return out;
}

function checkInputs(model: ShebangModel, pos: Position): Finding[] {
  const a = model.args;
  const out: Finding[] = [];
  if (a.positional.length === 0) {
    const msg = a.packagesFlag
      ? '-p without any package: the script would run with nothing but the image\'s tools'
      : 'no packages and no expression: nix-shell would look for shell.nix or default.nix in the Pod\'s working directory';
    out.push(finding(a.packagesFlag ?? a.exprFlag ?? pos, 'error', 'no-packages', msg, 'list the dependencies: #! nix-shell -p curl jq'));
  }
  if (!a.packagesFlag && !a.exprFlag) {
    for (const w of a.positional) {
      // Relative expression files are shipped with the script (core/bundle); absolute ones cannot be.
      if (w.value.startsWith('<') || isRemoteTarget(w.value) || !(w.value.startsWith('/') || w.value.startsWith('~'))) continue;
      out.push(finding(w, 'error', 'local-file', `expression file '${w.value}' is outside the script's folders and will not exist in the Pod`, 'put it beside the script and name it with a relative path: nixpod ships it'));
    }
  }
  if (a.exprFlag) for (const w of a.positional) out.push(...pathRefFindings(w, analyzeNixWord(w.value).paths, `expression '${w.value}'`));
  for (const [name, v] of a.args) {
    if (v.kind !== 'arg') continue;
    // The value's own position is not tracked: point at the --arg flag.
    const refs = analyzeNixWord(v.value).paths.map((r) => ({ ...r, offset: 0 }));
    out.push(...pathRefFindings(v.at, refs, `--arg ${name}`));
  }
  for (const w of a.nixPath) {
    const f = nixPathFinding(w);
    if (f) out.push(f);
  }
  const pinned = a.nixPath.some((w) => w.value.startsWith('nixpkgs=') || !w.value.includes('='));
  if (!pinned && (a.packagesFlag || a.exprFlag)) {
    out.push(finding(pos, 'warning', 'unpinned-nixpkgs', 'nixpkgs is not pinned: the Pod uses whatever nixpkgs its image bundles, which changes with the image', 'add: #! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/<commit>.tar.gz'));
  }
  return out;
}
