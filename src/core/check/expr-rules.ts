import { posix } from 'node:path';
import type { ResolvedRefs } from '../bundle/files.js';
import { includeTarget, refKey } from '../bundle/refs.js';
import { finding, type Finding } from '../diagnostic.js';
import { checkNixExpression } from '../nix/scope.js';
import type { ShebangModel } from '../shebang/parse.js';
import { colAt, type Word } from '../shebang/shellwords.js';
import { checkNixpkgsArgs } from './nixpkgs-args.js';

/**
 * What Nix rejects before evaluating anything: `--arg NAME EXPR` values and
 * `-E EXPR` words are parsed on their own (nix-build.cc: getAutoArgs, then
 * parseExprFromString per word), so a syntax error or a name no scope defines
 * stops nix-shell. `-p` words are exempt from scoping: they sit under
 * `with import <nixpkgs> args;`, where any name may be a package.
 */
export function checkExpressions(model: ShebangModel, resolved: ResolvedRefs | undefined): Finding[] {
  const a = model.args;
  const out: Finding[] = [];
  for (const [name, v] of a.args) {
    if (v.kind === 'arg') out.push(...exprFindings(v.value, v.valueAt, v.at, `--arg ${name}`));
  }
  if (a.exprFlag) for (const w of a.positional) out.push(...exprFindings(w.value, w, w, `-E expression`));
  if (a.packagesFlag) out.push(...checkNixpkgsArgs(a.args));
  out.push(...nixpkgsFolderFindings(model, resolved));
  return out;
}

function exprFindings(text: string, word: Word | undefined, fallback: Word, what: string): Finding[] {
  return checkNixExpression(text).map((p) => {
    const at = word ? { line: word.line, col: colAt(word, p.offset) } : fallback;
    if (p.kind === 'syntax') {
      return finding(at, 'error', 'expr-syntax', `${what}: Nix cannot parse '${text}': ${p.message}`, 'nix-shell stops here; check the expression with: nix-instantiate --parse -E \'EXPR\'');
    }
    const hint = p.name === 'pkgs'
      ? 'bind it first: let pkgs = import <nixpkgs> { }; in …'
      : `such an expression sees only Nix's builtins: for a package write (import <nixpkgs> { }).${p.name ?? 'NAME'}, else bind '${p.name ?? 'NAME'}' with let or a function argument`;
    return finding(at, 'error', 'undefined-variable', `${what}: ${p.message} (Nix refuses the expression before evaluating it)`, hint);
  });
}

/**
 * `-I nixpkgs=DIR` with a relative folder that has no default.nix: `<nixpkgs>`
 * cannot be imported from it, in the Pod as here. Said only where `<nixpkgs>`
 * is imported: with -p (nix-shell's own expression imports it), or where an
 * expression or shipped .nix file names it. Needs the files the I/O layer
 * found (`resolved`); without them nothing is said.
 */
function nixpkgsFolderFindings(model: ShebangModel, resolved: ResolvedRefs | undefined): Finding[] {
  if (!resolved) return [];
  const a = model.args;
  const texts = [...a.positional.map((w) => w.value), ...[...a.args.values()].map((v) => v.value), ...resolved.files.filter((f) => f.rel.endsWith('.nix')).map((f) => new TextDecoder().decode(f.bytes))];
  const imported = a.packagesFlag !== null || texts.some((t) => t.includes('<nixpkgs>'));
  const out: Finding[] = [];
  for (const w of a.nixPath) {
    const target = w.value.startsWith('nixpkgs=') ? includeTarget(w.value) : undefined;
    const key = target === undefined ? '' : refKey({ kind: 'include', target });
    if (target === undefined || !imported || resolved.missing.has(key)) continue;
    // Both sides spelled alike: the I/O layer's resolved path (`../na/np` from na/ is `np`), else the normalised text.
    const at = resolved.includes?.get(key) ?? posix.normalize(target);
    // `<nixpkgs>` is the entry itself when it is a file (`-I nixpkgs=./np/pkgs.nix`), else the folder's default.nix.
    if (resolved.files.some((f) => f.rel === at || f.rel === posix.join(at, 'default.nix'))) continue;
    out.push(finding(w, 'error', 'nixpkgs-folder', `-I ${w.value}: the folder ${target} has no default.nix, so <nixpkgs> cannot be imported from it (here or in the Pod)`, 'pin nixpkgs by URL instead: -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/<commit>.tar.gz'));
  }
  return out;
}
