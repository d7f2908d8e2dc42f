import { pick } from './random.js';

/**
 * Random one-line Nix expressions for differential tests of nixpod's parser
 * and scoping (src/core/nix) against real Nix: every construct that binds or
 * uses a name (let, rec, inherit, inherit (e), lambdas, formals with defaults,
 * `@`, with, interpolation in strings and paths, dynamic attributes, `or`,
 * `__curPos`, builtins), over a small pool of names so that bound and unbound
 * uses both happen. About one in six gets a deliberate breakage (a dropped
 * token, a duplicate, a chained non-associative operator, a trailing slash).
 */
const NAMES = ['a', 'b', 'x', 'y', 'z', 'pkgs', 'curl', 'self'];
const BUILTINS = ['map', 'toString', 'true', 'null', 'builtins', 'import', 'throw', '__curPos', '__add', 'fetchTarball', 'derivation', 'isNull', 'removeAttrs', 'baseNameOf', '__length', 'scopedImport'];
const ATTRS = ['a', 'b', 'c', 'x', 'or', '"q r"', '${"s"}'];

type R = () => number;

function name(r: R): string {
  return r() < 0.8 ? pick(r, NAMES) : pick(r, BUILTINS);
}

function binds(r: R, d: number, allowDynamic: boolean): string {
  const n = Math.floor(r() * 3) + (r() < 0.9 ? 1 : 0);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const roll = r();
    if (roll < 0.15) out.push(`inherit ${pick(r, NAMES.slice(0, 5))};`);
    else if (roll < 0.25) out.push(`inherit (${expr(r, d + 1)}) ${pick(r, ['a', 'b', 'c'])};`);
    else if (roll < 0.35) out.push(`${pick(r, NAMES.slice(0, 5))}.${pick(r, ATTRS)} = ${expr(r, d + 1)};`);
    else if (allowDynamic && roll < 0.4) out.push(`\${${expr(r, d + 1)}} = ${expr(r, d + 1)};`);
    else out.push(`${pick(r, NAMES.slice(0, 5))} = ${expr(r, d + 1)};`);
  }
  // Mostly one definition per name: a repeat is a breakage of its own, kept rare.
  const seen = new Set<string>();
  return out.filter((b) => {
    const key = /^(?:inherit(?: \(.*\))? )?([a-z]+)/.exec(b)?.[1] ?? b;
    const keep = !seen.has(key) || r() < 0.05;
    seen.add(key);
    return keep;
  }).join(' ');
}

function formals(r: R, d: number): string {
  const fs = Array.from({ length: Math.floor(r() * 3) }, () => (r() < 0.3 ? `${pick(r, NAMES)} ? ${expr(r, d + 1)}` : pick(r, NAMES)));
  const uniq = [...new Map(fs.map((f) => [f.split(' ')[0], f])).values()];
  if (r() < 0.3) uniq.push('...');
  return `{ ${uniq.join(', ')} }`;
}

const ATOMS: ((r: R) => string)[] = [
  (r) => name(r),
  (r) => String(Math.floor(r() * 100)),
  (r) => pick(r, ['"s"', "''t''", '<nixpkgs>', './p', './.', 'https://example.org/x', '1.5']),
];

function expr(r: R, d = 0): string {
  if (d > 3 || r() < 0.25) return pick(r, ATOMS)(r);
  const e = (): string => expr(r, d + 1);
  const forms: (() => string)[] = [
    () => `${pick(r, NAMES)}: ${e()}`,
    () => `${formals(r, d)}: ${e()}`,
    () => `${formals(r, d)} @ ${pick(r, NAMES)}: ${e()}`,
    () => `${pick(r, NAMES)} @ ${formals(r, d)}: ${e()}`,
    () => `let ${binds(r, d, false)} in ${e()}`,
    () => `rec { ${binds(r, d, true)} }`,
    () => `{ ${binds(r, d, true)} }`,
    () => `with ${e()}; ${e()}`,
    () => `if ${e()} then ${e()} else ${e()}`,
    () => `assert ${e()}; ${e()}`,
    () => `(${e()}) ${pick(r, ['+', '-', '*', '//', '++', '==', '<', '&&', '->'])} (${e()})`,
    () => `(${e()}).${pick(r, ATTRS)}${r() < 0.4 ? ` or ${pick(r, ATOMS)(r)}` : ''}`,
    () => `(${e()}) ? ${pick(r, ATTRS)}`,
    () => `[ ${pick(r, ATOMS)(r)} (${e()}) ]`,
    () => `(${e()}) (${e()})`,
    () => `"s\${${e()}}t"`,
    () => `''i \${${e()}} j''`,
    () => `./d/\${${e()}}`,
    () => `!(${e()})`,
    () => `-(${e()})`,
    () => `let { body = ${e()}; ${binds(r, d, false)} }`,
  ];
  return pick(r, forms)();
}

const BREAKAGES: ((s: string, r: R) => string)[] = [
  (s, r) => {
    const cut = Math.floor(r() * s.length);
    return s.slice(0, cut) + s.slice(cut + 1);
  },
  (s) => `{ a = ${s}; a = 1; }`,
  (s) => `let a = 1; a = ${s}; in a`,
  (s) => `{ a, a }: ${s}`,
  (s) => `(${s}) == 1 == 2`,
  (s) => `./d/ ${s}`,
  (s) => `(${s}`,
  (s) => `let \${"a"} = ${s}; in a`,
  (s) => `{ inherit \${x}; }: ${s}`,
  (s) => `x:${s}`,
  (s) => `${s} |> x`,
];

/** One expression, on one line. */
export function randomNixExpr(r: R): string {
  // Half bind the commonest names around the whole, so that as many uses are defined as not.
  const s = (r() < 0.5 ? 'a: b: x: ' : '') + expr(r);
  return r() < 1 / 6 ? pick(r, BREAKAGES)(s, r) : s;
}
