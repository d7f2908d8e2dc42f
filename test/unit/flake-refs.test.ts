import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badAttrComponent, classifyInstallable, pinnedForm } from '../../src/core/flake/refs.js';
import { nixVersionOfImage, parseNixVersion, rulesFor, isLegacy } from '../../src/core/shebang/nix-version.js';

const REV = '0123456789abcdef0123456789abcdef01234567';

describe('installables', () => {
  it('tells flake reference kinds apart, and which are pinned', () => {
    const k = (s: string) => { const i = classifyInstallable(s); return [i.kind, i.pinned, i.attrPath]; };
    assert.deepEqual(k('nixpkgs#jq'), ['indirect', false, 'jq']);
    assert.deepEqual(k(`nixpkgs/${REV}#jq`), ['indirect', true, 'jq']);
    assert.deepEqual(k('nixpkgs/nixos-24.05#jq'), ['indirect', false, 'jq']);
    assert.deepEqual(k('flake:nixpkgs#jq^out'), ['indirect', false, 'jq']);
    assert.deepEqual(k(`github:NixOS/nixpkgs/${REV}#jq`), ['github', true, 'jq']);
    assert.deepEqual(k('github:NixOS/nixpkgs/nixos-24.05#jq'), ['github', false, 'jq']);
    assert.deepEqual(k(`git+https://example.org/x.git?rev=${REV}#y`), ['git', true, 'y']);
    assert.deepEqual(k(`https://github.com/NixOS/nixpkgs/archive/${REV}.tar.gz#jq`), ['tarball', true, 'jq']);
    for (const local of ['.#foo', './x#y', '/abs#y', 'path:./x#y', 'git+file:///x#y', '#foo']) assert.equal(classifyInstallable(local).kind, 'local', local);
    assert.equal(classifyInstallable('a/b#c').kind, 'indirect', 'flake id a at ref b');
    for (const bad of ['nixpkgs#a#b', 'gitlab:x', 'foo:bar#x', '1abc#x']) assert.equal(classifyInstallable(bad).kind, 'invalid', bad);
  });
  it('suggests a pinned form', () => {
    assert.equal(pinnedForm(classifyInstallable('nixpkgs#jq')), 'github:NixOS/nixpkgs/<commit>#jq');
    assert.equal(pinnedForm(classifyInstallable('github:o/r/main#x')), 'github:o/r/<commit>#x');
  });
  it('finds attribute names no package can have', () => {
    assert.equal(badAttrComponent('python3Packages.requests'), undefined);
    assert.equal(badAttrComponent('a..b'), '');
    assert.equal(badAttrComponent('1abc'), '1abc');
    assert.equal(badAttrComponent('a."1b"'), undefined);
  });
});

describe('the Nix version the Pod runs', () => {
  it('is read from official image tags only', () => {
    assert.equal(nixVersionOfImage('nixos/nix:2.18.1')?.text, '2.18.1');
    assert.equal(nixVersionOfImage('docker.io/nixos/nix:2.8.0')?.text, '2.8.0');
    assert.equal(nixVersionOfImage('ghcr.io/nixos/nix:2.24.3-arm64')?.text, '2.24.3');
    assert.equal(nixVersionOfImage(`nixos/nix:2.18.1@sha256:${'a'.repeat(64)}`)?.text, '2.18.1');
    for (const none of ['nixos/nix', 'nixos/nix:latest', `nixos/nix@sha256:${'a'.repeat(64)}`, 'example.org/nix:2.18.1', 'localhost:5000/nixos/nix']) assert.equal(nixVersionOfImage(none), undefined, none);
  });
  it('decides the rules: 2.19 quotes and #! nix, 2.22 ( comments, 2.24 script-relative paths', () => {
    const r = (v: string) => rulesFor(parseNixVersion(v));
    assert.deepEqual([r('2.18.1').modernWords, r('2.18.1').flakeShebang], [false, false]);
    assert.deepEqual([r('2.19.0').modernWords, r('2.21.2').parenComments, r('2.22.0').parenComments], [true, false, true]);
    assert.equal(r('2.23.4').pathsFromScript, false);
    assert.equal(isLegacy(r('2.24.0')), false);
    assert.equal(isLegacy(r('3.0')), false);
    assert.equal(parseNixVersion('latest'), undefined);
  });
});
