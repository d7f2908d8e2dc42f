import { finding, type Finding } from '../diagnostic.js';
import type { ShebangArgs } from '../shebang/args.js';

/**
 * With -p, nix-shell evaluates `{...}@args: with import <nixpkgs> args; …`
 * and passes it every --arg and --argstr (plus inNixShell = true), so they all
 * reach nixpkgs' top-level function. Its names, from NixOS/nixpkgs:
 * - pkgs/top-level/impure.nix (master, 2024–2025; the same set since 2021):
 *   `{ localSystem ? { system = args.system or builtins.currentSystem; }, system ? localSystem.system,
 *   crossSystem ? localSystem, config ? …, overlays ? …, crossOverlays ? [ ], ... }@args:`, then
 *   `assert args ? localSystem -> !(args ? system); assert args ? system -> !(args ? localSystem);`
 *   and `import ./. (builtins.removeAttrs args [ "system" ] // { inherit config overlays localSystem; })`;
 * - pkgs/top-level/default.nix (master): `{ localSystem, crossSystem ? localSystem, config ? { },
 *   __allowFileset ? true, overlays ? [ ], crossOverlays ? [ ], stdenvStages ? import ../stdenv,
 *   # Ignore unexpected args.
 *   ... }@args:`, which checks `throwIfNot (lib.isList overlays) "The overlays argument to nixpkgs must be a list."`
 *   (and the same for crossOverlays);
 * - older impure.nix (commit 09c66f40454de7afceb2101105657e96def9133f) also took `platform`.
 * Both functions end in `...`: any other name is accepted and silently ignored.
 */
const NIXPKGS_ARGS = new Set(['localSystem', 'system', 'crossSystem', 'config', 'overlays', 'crossOverlays', 'stdenvStages', '__allowFileset', 'platform', 'inNixShell']);
const LISTS = new Set(['overlays', 'crossOverlays']);

export function checkNixpkgsArgs(args: ShebangArgs['args']): Finding[] {
  const out: Finding[] = [];
  for (const [name, v] of args) {
    const flag = v.kind === 'arg' ? '--arg' : '--argstr';
    if (!NIXPKGS_ARGS.has(name)) {
      out.push(finding(v.at, 'warning', 'nixpkgs-ignores-arg', `${flag} ${name} has no effect: with -p, nix-shell passes it to nixpkgs, which takes localSystem, system, crossSystem, config, overlays and crossOverlays and ignores other names`, `remove ${flag} ${name}, or use -E or an expression file whose function takes '${name}'`));
    } else if (v.kind === 'argstr' && LISTS.has(name)) {
      out.push(finding(v.at, 'error', 'nixpkgs-arg-type', `--argstr ${name} gives nixpkgs a string, and nixpkgs stops: "The ${name} argument to nixpkgs must be a list."`, `use --arg ${name} '[ (self: super: { … }) ]'`));
    }
  }
  const system = args.get('system');
  if (system && args.has('localSystem')) {
    out.push(finding(system.at, 'error', 'nixpkgs-arg-conflict', 'system and localSystem are both passed to nixpkgs, whose impure.nix asserts that only one is (assertion failed)', 'keep one: --argstr system x86_64-linux, or --arg localSystem \'{ system = "x86_64-linux"; }\''));
  }
  return out;
}
