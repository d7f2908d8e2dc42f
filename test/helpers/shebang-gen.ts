import { randomNixExpr } from './nix-expr-gen.js';
import { pick } from './random.js';

/**
 * Random nix-shell scripts for differential testing against real Nix: shebang
 * lines built from quoting, escapes, compound and long flags, `--`, `-I`,
 * `--arg`, `--keep`, several `#! nix-shell` lines in different places, stray
 * `#` lines, tabs, CRLF and unusual first lines. Mostly valid, so that words
 * are compared and not only errors.
 *
 * `--arg` values and `-E` expressions come from helpers/nix-expr-gen.ts, valid
 * and not: Nix parses them on their own and refuses undefined variables.
 *
 * Left out on purpose: a `#! nix-shell` line ending in `\`, on which real
 * nix-shell (2.8 and 2.26) loops forever (nixpod reports it; edge case e-cases
 * cover it), and expression files (nothing to compare in packages).
 */
const FIRST_LINES = ['#! /usr/bin/env nix-shell', '#!/usr/bin/env nix-shell', '#! /usr/bin/env nix-shell', '#!/bin/sh', '#!/usr/bin/env -S nix-shell', '#!nix-shell', '#! nix-shell -i bash -p jq', '#!/usr/bin/env bash'];
const PREFIXES = ['#! nix-shell ', '#! nix-shell ', '#!nix-shell ', '#!  nix-shell\t', '#!\tnix-shell  ', '#! nix-shell\t'];
const NOT_SHEBANG = ['# comment', '#', '#!', '#! /bin/bash', '#!nix-shellx -p evil', '# ! nix-shell -p nope', ' #! nix-shell -p indented', 'echo "#! nix-shell -p inbody"', '#! nix-shell'];
const PACKAGES = [
  'jq', 'curl', 'hello', 'git', 'python3Packages.requests', 'haskellPackages.aeson', '"python3.withPackages (ps: [ ps.requests ])"',
  "'python3.withPackages (ps: [ ps.pyyaml ])'", '"hello"', 'a\\ b', '"x y"', "'x y'", '"a\\"b"', '"a\\\\b"', "'it''s'", 'a"b c"d', "x'y z'w",
  '\\"q', 'e\\$x', '"(pkgs.hello)"', 'pkgs.hello', '"with pkgs; [ jq ]"',
];
const INTERPRETERS = ['bash', 'python3', 'sh', 'perl', 'ruby', '"python3 -u"', "'bash -e'", 'b\\ash'];
const KEEP = ['FOO', 'BAR_1', 'MY_TOKEN', 'x', 'HTTP_X'];
const PATHS = ['/x', 'nixpkgs=/x', 'foo=/y/z', '/a/b', 'nixpkgs=/x/y', '"nixpkgs=/q r"'];
const RUN = ['"echo hi"', "'echo hi; exit 0'", 'true', '"printf %s\\\\n a"'];
const SEPS = [' ', ' ', ' ', '  ', '\t', ' \t'];

type Gen = () => string[];

/** One flag and its values, as words. */
function flagGroup(r: () => number): string[] {
  const g: Gen[] = [
    () => ['-i', pick(r, INTERPRETERS)],
    () => [`-i${pick(r, ['bash', 'python3', 'sh'])}`],
    () => ['-p', ...Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, PACKAGES))],
    () => ['--packages', pick(r, PACKAGES)],
    () => [pick(r, PACKAGES)],
    () => ['--pure'],
    () => ['--impure'],
    () => ['--keep', pick(r, KEEP)],
    () => ['-I', pick(r, PATHS)],
    () => ['--include', pick(r, PATHS)],
    () => ['--arg', pick(r, ['x', 'y', 'config']), r() < 0.5 ? pick(r, ['1', '"{ }"', 'true']) : quoteNix(randomNixExpr(r))],
    () => ['--argstr', pick(r, ['x', 'y']), pick(r, ['v', '"a b"', "''"])],
    () => [pick(r, ['--run', '--command']), pick(r, RUN)],
    () => ['--'],
    () => [pick(r, ['-v', '-vv', '--show-trace', '--quiet', '-Q', '-K', '--no-build-output'])],
    () => [pick(r, ['-j', '--max-jobs', '--cores']), pick(r, ['2', 'auto'])],
    () => ['--option', pick(r, ['cores', 'sandbox']), pick(r, ['1', 'false'])],
    () => [pick(r, ['--sandbox', '--no-sandbox', '--extra-substituters', '--keep-going'])],
    () => [pick(r, ['-pi', '-ip', '-vp', '-j2'])],
    () => [pick(r, ['--nope', '-z', '--pur', '-i'])],
    () => ['-A', pick(r, ['a', 'a.b'])],
    () => [pick(r, ['"unterminated', "'unterminated", 'ok"'])],
  ];
  // Flags that make nix-shell fail or never run are rarer, so most scripts get compared word by word.
  const weights = [6, 1, 8, 2, 4, 2, 1, 2, 3, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0.4, 0.3, 0.3];
  let roll = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < g.length; i++) {
    roll -= weights[i] ?? 0;
    if (roll < 0) return (g[i] as Gen)();
  }
  return ['-p', 'jq'];
}

/** A Nix expression as one double-quoted shebang word (nix-shell's shellwords: `\\` escapes `"` and itself). */
export function quoteNix(expr: string): string {
  return `"${expr.replace(/[\\"]/g, '\\$&')}"`;
}

function shebangLine(r: () => number): string {
  const words: string[] = [];
  const groups = 1 + Math.floor(r() * 3);
  for (let i = 0; i < groups; i++) words.push(...flagGroup(r));
  let line = pick(r, PREFIXES);
  words.forEach((w, i) => (line += (i > 0 ? pick(r, SEPS) : '') + w));
  if (r() < 0.1) line += pick(r, [' ', '\t', '  ']);
  return line;
}

export function randomShebangScript(r: () => number): string {
  const lines = [r() < 0.8 ? '#! /usr/bin/env nix-shell' : pick(r, FIRST_LINES)];
  if (r() < 0.05) lines.unshift('');
  // The words that make a script worth comparing come first; the rest is in any order.
  const body = Array.from({ length: 1 + Math.floor(r() * 4) }, () => shebangLine(r));
  // Nearly always a -p somewhere (without it nix-shell looks for expression files: nothing to compare), else an -E.
  if (r() < 0.1) body.splice(Math.floor(r() * body.length), 0, `#! nix-shell -E ${quoteNix(randomNixExpr(r))}`);
  else if (r() < 0.95) body.splice(Math.floor(r() * body.length), 0, `#! nix-shell -p ${pick(r, PACKAGES)}`);
  for (const l of body) {
    if (r() < 0.2) lines.push(pick(r, NOT_SHEBANG));
    if (r() < 0.1) lines.push('echo body line');
    lines.push(l);
  }
  if (r() < 0.15) lines.push('echo hi', shebangLine(r));
  lines.push('echo done');
  const eol = r() < 0.05 ? '\r\n' : '\n';
  return lines.join(eol) + eol;
}
