import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeNixWord } from '../../src/core/nix/word.js';

const rule = (w: string) => analyzeNixWord(w).problem?.rule;

describe('package words as Nix expressions', () => {
  it('accepts attribute paths, applications and lambdas', () => {
    for (const w of ['curl', 'python3Packages.ruamel-yaml', 'python3Packages."requests"', "a'", 'python3.withPackages (ps: [ ps.requests ])', 'python3.withPackages(ps: with ps; [ toml requests ])', 'php.packages.composer', 'haskellPackages.ghcWithPackages (p: [ p.aeson ])', '(import <nixpkgs> {}).hello', 'pkgs."a b"']) {
      assert.equal(rule(w), undefined, w);
    }
    assert.equal(analyzeNixWord('python3Packages.requests').attrPath, true);
    assert.equal(analyzeNixWord('python3.withPackages (ps: [ ps.requests ])').attrPath, false);
  });
  it('rejects an empty or blank word', () => {
    assert.equal(rule(''), 'empty-package');
    assert.equal(rule(' '), 'empty-package');
  });
  it('rejects # comments, which swallow the rest of the expression', () => {
    assert.equal(rule('#'), 'nix-comment');
    assert.equal(rule('python3.withPackages (ps: [ ps.requests ]) # x'), 'nix-comment');
    assert.equal(rule('a /* open'), 'nix-comment');
    assert.equal(rule('a /* closed */'), undefined);
  });
  it('rejects unbalanced brackets and quotes', () => {
    assert.equal(rule('(ps:'), 'nix-syntax');
    assert.equal(rule('])'), 'nix-syntax');
    assert.equal(rule('(a]'), 'nix-syntax');
    assert.equal(rule('a"b'), 'nix-syntax');
    assert.equal(rule("''x"), 'nix-syntax');
    assert.equal(rule('"${x"'), 'nix-syntax');
  });
  it('rejects characters the Nix lexer has no token for', () => {
    assert.equal(rule('a\\b'), 'nix-syntax');
    assert.equal(rule("'python3"), 'nix-syntax');
  });
  it('rejects words that look like attribute paths but are not', () => {
    assert.equal(rule('gcc+'), 'invalid-attr-path');
    assert.equal(rule('2048-in-terminal'), 'invalid-attr-path');
    assert.equal(rule('foo.'), 'invalid-attr-path');
    assert.equal(rule('.foo'), 'invalid-attr-path');
    assert.equal(rule('a..b'), 'invalid-attr-path');
    assert.equal(rule('@angular/cli'), 'invalid-attr-path');
    assert.equal(rule('with'), 'invalid-attr-path');
  });
  it('finds path literals: relative, home and absolute', () => {
    assert.deepEqual(analyzeNixWord('./pkg.nix').paths.map((p) => p.kind), ['relative']);
    assert.deepEqual(analyzeNixWord('callPackage (import ../x/my.nix) {}').paths.map((p) => [p.text, p.offset]), [['../x/my.nix', 20]]);
    assert.deepEqual(analyzeNixWord('import ~/x.nix').paths.map((p) => p.kind), ['home']);
    assert.deepEqual(analyzeNixWord('import /etc/x.nix').paths.map((p) => p.kind), ['absolute']);
    assert.deepEqual(analyzeNixWord('import <nixpkgs/lib>').paths, []);
    assert.deepEqual(analyzeNixWord('"./not-a-path"').paths, []);
  });
});

describe('words whose brackets balance but Nix cannot parse', () => {
  it("flags `echo hi; exit 0` at the ';' (found by the differential test, seed 696581765: `-pi --command '…'` makes it a package)", () => {
    const p = analyzeNixWord('echo hi; exit 0').problem;
    assert.equal(p?.rule, 'nix-syntax');
    assert.equal(p?.offset, 7);
    assert.match(p?.message ?? '', /unexpected ';'/);
  });
  it('flags an if without else and an assert without a body; keeps let … in, lambdas, with and operators', () => {
    assert.equal(rule('if a then b'), 'nix-syntax');
    assert.equal(rule('assert true'), 'nix-syntax');
    assert.equal(rule('a: '), 'nix-syntax');
    for (const w of ['let a = pkgs.hello; in a', 'x: x', 'with pkgs; hello', 'a ++ b', 'rec { a = 1; }.a', 'a.${b}', '1.5', 'a or b']) assert.equal(rule(w), undefined, w);
  });
});

describe('nesting and merged sets, as Nix 2.26 parses them (found by review)', () => {
  it('gives no verdict, and no crash, for words nested deeper than the stack', () => {
    for (const n of [3000, 20000]) assert.equal(rule('('.repeat(n) + 'curl' + ')'.repeat(n)), undefined, `${n} parentheses`);
    assert.equal(rule('['.repeat(6000) + 'a' + ']'.repeat(6000)), undefined);
    assert.equal(rule('('.repeat(50) + 'curl' + ')'.repeat(50)), undefined);
  });
  it('merges sets defined twice level by level; a name set twice below them is still an error, named by its path', () => {
    for (const w of ['{ a = { b = { c = 1; }; }; a = { b = { d = 2; }; }; }', '{ a = { b = { }; }; a = { b.c = 1; }; }', '{ a.b = { c = 1; }; a.b = { d = 1; }; }', '{ a.b.c = 1; a = { b = { d = 1; }; }; }', 'let a = { b = { }; }; a = { b = { }; }; in a']) assert.equal(rule(w), undefined, w);
    assert.match(analyzeNixWord('{ a = { b = { c = 1; }; }; a = { b = { c = 2; }; }; }').problem?.message ?? '', /attribute 'a\.b\.c' is defined twice/);
    assert.match(analyzeNixWord('{ a = { b = { }; }; a = { b = 1; }; }').problem?.message ?? '', /attribute 'a\.b' is defined twice/);
  });
});

describe("'=' only binds inside { } or let … in", () => {
  it('flags a bare binding, as Nix does (found by the differential test)', () => {
    assert.equal(analyzeNixWord('nixpkgs=/q r').problem?.rule, 'nix-syntax');
    assert.equal(analyzeNixWord('a = 1').problem?.rule, 'nix-syntax');
  });
  it('accepts attribute sets, let, and ==', () => {
    for (const w of ['{ a = 1; }', 'rec { a = 1; }', '(let x = 1; in x)', 'f { a = let b = 1; in b; }', 'a == b', 'python3.withPackages (ps: [ ps.requests ])']) assert.equal(analyzeNixWord(w).problem, undefined, w);
  });
});
