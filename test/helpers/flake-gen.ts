import { pick } from './random.js';

/**
 * Random `#!/usr/bin/env nix` scripts for the flake differential test: the
 * comment block and what ends it, the line match (`#!nix`, `#!nix:`, tabs),
 * backtick strings, reserved characters, nix's flags and commands, and
 * installables of every kind the offline oracle can resolve (no network:
 * nixpkgs through its registry, the script's own flake for `.#`).
 */
const COMMENTS = ['# a comment', '// c', '-- c', '(* c *)', '% c', '@rem c', '* c', '\\ c', '  # indented', '', 'echo early', '#'];
const PREFIXES = ['#! nix ', '#!nix ', '#!  nix ', '#!nix: ', '#! nix\t', '#! nix-shell ', '#!\tnix '];
const COMMANDS = ['shell', 'shell', 'shell', 'shell', 'shell', 'shell', 'env shell', 'develop', 'run', 'shel', 'build'];
const ROOT_FLAGS = ['-v', '--quiet', '-L', '--offline', '--option connect-timeout 2', '--refresh', '--no-net'];
const SUB_FLAGS = [
  '--impure', '--keep FOO', '-k BAR', '--keep-env-var BAZ', '-u X', '--unset-env-var Y', '--unset Z', '-s A b', '--set-env-var C d', '--bogus', '-vc',
  '--no-write-lock-file', '--inputs-from nixpkgs', '--override-input nixpkgs nixpkgs', '-I nixpkgs=flake:nixpkgs', '--arg x 1', '--argstr y z', '--help',
];
const INSTALLABLES = ['nixpkgs#hello', 'nixpkgs#jq', 'nixpkgs#curl', 'flake:nixpkgs#git', 'nixpkgs#python3Packages.requests', 'nixpkgs#hello^out', 'nixpkgs#tr_ue', '.#hello'];
const ODD_INSTALLABLES = ['nixpkgs', 'nixpkgs#1abc', 'nixpkgs#a..b', 'nixpkgs#hello#x', '.#jq', 'path:.#hello', '--inputs-from .', 'nixpkgs#', 'nix-pkgs#x', 'nixpkgs#hello^*', 'nixpkgs#hello^bin,out'];
const PROGRAMS = ['bash', 'python3', 'bash -x', 'sh -c ``echo hi``', 'env', '-c', 'bash --norc'];
const ODD = ['``a b``', '``x``y', '`` spaced ``', 'foo``bar``', '```` ``', '$HOME', '"x"', 'a;b', '#comment', 'a#b', '`', '``', '``unterminated', '~', '--', '-'];

function installablesPart(r: () => number): string[] {
  const n = Math.floor(r() * 3) + (r() < 0.9 ? 1 : 0);
  return Array.from({ length: n }, () => pick(r, r() < 0.85 ? INSTALLABLES : ODD_INSTALLABLES));
}

/** The words of the `#! nix` lines, as text (some split over several lines later). */
function words(r: () => number): string[] {
  const out: string[] = [];
  if (r() < 0.25) out.push(pick(r, ROOT_FLAGS));
  if (r() < 0.97) out.push(pick(r, COMMANDS));
  if (r() < 0.15) out.push(pick(r, ROOT_FLAGS));
  if (r() < 0.25) out.push(pick(r, SUB_FLAGS));
  if (r() < 0.15) out.push(...(r() < 0.8 ? ['--impure'] : []), '--expr', pick(r, ['``(import <nixpkgs> {})``', '``with import <nixpkgs> {}; hello``']), pick(r, ['hello', 'jq', '']));
  else out.push(...installablesPart(r));
  if (r() < 0.15) out.push(pick(r, SUB_FLAGS));
  if (r() < 0.06) out.push(pick(r, ODD));
  if (r() < 0.9) out.push(pick(r, ['--command', '-c', '--command']), pick(r, PROGRAMS));
  if (r() < 0.06) out.push(pick(r, ODD));
  return out.filter((w) => w !== '');
}

export function randomFlakeScript(r: () => number): string {
  const eol = r() < 0.05 ? '\r\n' : '\n';
  const lines = ['#!/usr/bin/env nix'];
  if (r() < 0.3) lines.push(pick(r, COMMENTS));
  const ws = words(r);
  // One to three #! nix lines, each taking a share of the words; a backtick string may span two of them.
  const cuts = Math.floor(r() * 3);
  let i = 0;
  for (let k = 0; k <= cuts; k++) {
    const take = k === cuts ? ws.length - i : Math.floor(r() * (ws.length - i + 1));
    lines.push(pick(r, r() < 0.8 ? PREFIXES.slice(0, 2) : PREFIXES) + ws.slice(i, i + take).join(' '));
    i += take;
    if (r() < 0.06) lines.push(pick(r, COMMENTS));
  }
  if (r() < 0.05) lines.push('#! nix ``multi', '#! nix   line`` --command bash');
  lines.push('echo hello');
  return lines.join(eol) + eol;
}
