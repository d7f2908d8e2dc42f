import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkNixExpression } from '../../src/core/nix/scope.js';

/** The undefined names nixpod finds, or 'syntax: …' for a parse error, or [] when Nix 2.26 accepts the text. */
function verdict(text: string): string[] {
  return checkNixExpression(text).map((p) => (p.kind === 'syntax' ? `syntax: ${p.message}` : (p.name as string)));
}

// Each expectation was checked with `nix-instantiate --parse -E` of Nix 2.26.3.
describe('Nix expressions: scoping as Nix 2.26 binds variables', () => {
  it('refuses the four expressions of issue 10', () => {
    assert.deepEqual(verdict('curl'), ['curl']);
    assert.deepEqual(verdict('y: y + z'), ['z']);
    assert.deepEqual(verdict('pkgs.mkShell {}'), ['pkgs']);
    assert.deepEqual(verdict('rec { a = b; }'), ['b']);
  });
  it('knows the base environment: builtins without prefix, __ names, __curPos', () => {
    for (const e of ['true', 'null', 'map toString [ 1 ]', 'builtins.map', 'import <nixpkgs> { }', '__curPos', '__add 1 2', 'fetchTarball "x"', 'scopedImport', 'derivation', 'placeholder "out"', 'break', 'fromTOML']) {
      assert.deepEqual(verdict(e), [], e);
    }
    assert.deepEqual(verdict('add 1 2'), ['add'], 'add is builtins.add or __add, never bare');
    assert.deepEqual(verdict('__map'), ['__map'], 'map is in scope bare only');
  });
  it('binds let, rec, lambdas, formals with defaults and @', () => {
    for (const e of ['let a = b; b = 1; in a', 'rec { a = b; b = 1; }', 'x: x', '{ a, b ? a, ... }: b', '{ a ? args } @ args: a', 'args @ { a }: args', 'let { x = 1; body = x; }', 'rec { a.b = c; c = 1; }']) {
      assert.deepEqual(verdict(e), [], e);
    }
    assert.deepEqual(verdict('{ a = b; b = 1; }'), ['b'], 'a plain set binds nothing');
    assert.deepEqual(verdict('{ a ? b }: 1'), ['b']);
  });
  it('inherit looks outside, inherit (e) evaluates e inside', () => {
    assert.deepEqual(verdict('rec { inherit b; a = 1; }'), ['b']);
    assert.deepEqual(verdict('let inherit a; in 1'), ['a']);
    assert.deepEqual(verdict('let a = { b = 1; }; in { inherit (a) b; }'), []);
    assert.deepEqual(verdict('rec { x = { b = 1; }; inherit (x) b; }'), []);
    assert.deepEqual(verdict('{ inherit ${"a"}; }'), ['a'], '${"a"} is a static name');
  });
  it('merges nested sets as Nix does, keeping the first one\'s rec', () => {
    assert.deepEqual(verdict('{ a = rec { x = 1; }; a.y = x; }'), []);
    assert.deepEqual(verdict('{ a = { x = 1; }; a = rec { y = x; }; }'), ['x']);
  });
  it('with makes every name inside it dynamic, but not its own expression', () => {
    assert.deepEqual(verdict('with import <nixpkgs> { }; [ curl jq ]'), []);
    assert.deepEqual(verdict('with z; a'), ['z']);
    assert.deepEqual(verdict('(with { }; a) + b'), ['b']);
  });
  it('looks into interpolation in strings, indented strings, paths and attribute names', () => {
    assert.deepEqual(verdict('"${x}"'), ['x']);
    assert.deepEqual(verdict("''${y}''"), ['y']);
    assert.deepEqual(verdict("''$${y}''"), []);
    assert.deepEqual(verdict('"$${z}"'), []);
    assert.deepEqual(verdict('./a/${p}'), ['p']);
    assert.deepEqual(verdict('x: x.${y}'), ['y']);
    assert.deepEqual(verdict('{ "${k}" = 1; }'), ['k']);
  });
  it('reads `f or` as f applied to a variable named or, and x:x as a URL', () => {
    assert.deepEqual(verdict('f: f or'), ['or']);
    assert.deepEqual(verdict('x:x'), []);
    assert.deepEqual(verdict('x: x.a or x'), []);
  });
  it('names every undefined variable once, in order', () => {
    assert.deepEqual(verdict('[ b a b c ]'), ['b', 'a', 'c']);
    const [p] = checkNixExpression('y: y + z');
    assert.equal(p?.offset, 7);
    assert.equal(p?.message, "undefined variable 'z'");
  });
});

describe('Nix expressions: what the parser refuses', () => {
  const refused = (e: string): string => verdict(e)[0] ?? 'accepted';
  it('syntax errors, at the unexpected token', () => {
    assert.match(refused('a: a == a == a'), /syntax: .*unexpected '=='/);
    assert.match(refused('a: a < a < a'), /syntax/);
    assert.match(refused('x: x.a or'), /unexpected end of file/);
    assert.match(refused('(a'), /syntax/);
    assert.match(refused('/* open'), /syntax/);
    assert.match(refused('or'), /syntax/);
    assert.equal(checkNixExpression('a: a == a == a')[0]?.offset, 10);
  });
  it('duplicates, dynamic names where none may be, trailing slashes, big integers, pipes', () => {
    assert.match(refused('{ a = 1; a = 2; }'), /attribute 'a' is defined twice/);
    assert.match(refused('let a = 1; a = 2; in a'), /defined twice/);
    assert.match(refused('{ a, a }: a'), /duplicate formal function argument 'a'/);
    assert.match(refused('{ a } @ a: a'), /duplicate formal/);
    assert.match(refused('let ${x} = 1; in 1'), /dynamic attributes not allowed in let/);
    assert.match(refused('{ inherit ${a}; }'), /dynamic attributes not allowed in inherit/);
    assert.match(refused('./a/'), /trailing slash/);
    assert.match(refused('9223372036854775808'), /invalid integer/);
    assert.match(refused('x: x |> x'), /pipe-operators/);
  });
  it('accepts what Nix accepts at the edges', () => {
    for (const e of ['a: b: a -> b -> a', 'a: a ? b ? c', '1.', '.5', '01.5', '9223372036854775807', 'let in 1', '{ ${"a"} = 1; }', 'x: -x ? a', '~/a', './a${"b"}c', '<a/b>', 'a @ { b }: a']) {
      assert.equal(refused(e), 'accepted', e);
    }
  });
});

describe('expressions nested deeper than the stack', () => {
  it('give no problem and no crash (a RangeError is no verdict)', () => {
    assert.deepEqual(checkNixExpression('('.repeat(20000) + '1' + ')'.repeat(20000)), []);
    assert.deepEqual(checkNixExpression('x: '.repeat(20000) + 'x'), []);
  });
});
