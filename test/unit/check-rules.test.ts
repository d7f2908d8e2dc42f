import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript } from '../../src/core/check/script.js';
import { checkNameCollisions } from '../../src/core/render/plan.js';
import { PINNED, script } from '../helpers/cli.js';

const enc = (s: string) => new TextEncoder().encode(s);
const check = (text: string | Uint8Array, path = 'dir/run.sh', explicit = true) =>
  checkScript({ path, bytes: typeof text === 'string' ? enc(text) : text, explicit });
const rules = (text: string, path?: string) => check(text, path).diagnostics.map((d) => `${d.severity}:${d.rule}`);
const has = (text: string, rule: string, severity = 'error') => assert.ok(rules(text).includes(`${severity}:${rule}`), `${rule} in ${JSON.stringify(rules(text))}`);

describe('checks: errors', () => {
  it('a clean script has no diagnostics', () => {
    assert.deepEqual(rules(script('#! nix-shell -i bash -p curl jq')), []);
  });
  it('first line not #!, or no #! nix-shell line (explicit files); skipped in folders', () => {
    has('echo hi\n', 'not-a-script');
    has('#!/bin/sh\necho hi\n', 'no-nix-shell-line');
    assert.equal(check('#!/bin/sh\necho\n', 'a.sh', false).skipped, true);
    assert.equal(check(script('#! nix-shell -i bash -p x'), 'a.sh', false).skipped, false);
  });
  it('new-style #! nix scripts are read by nix, not reported as missing a nix-shell line', () => {
    const c = check('#!/usr/bin/env nix\n#! nix shell github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567#hello --command bash\n');
    assert.equal(c.model.dialect, 'nix');
    assert.deepEqual(c.diagnostics, []);
  });
  it('unterminated quote, trailing backslash, unknown flag, missing value', () => {
    has(script('#! nix-shell -i bash -p "jq'), 'unterminated-quote');
    has(script('#! nix-shell -i bash -p jq\\'), 'trailing-backslash');
    has(script('#! nix-shell -i bash --pkgs jq'), 'unknown-flag');
    has('#!/usr/bin/env nix-shell\n#! nix-shell -p jq -i\n', 'flag-missing-value');
  });
  it('-p with -E; no command; no packages; never runs', () => {
    has(script('#! nix-shell -i bash -p hello -E 1'), 'packages-and-expr');
    has(script('#! nix-shell -p hello'), 'no-command');
    has(script('#! nix-shell -i bash -p'), 'no-packages');
    has(script('#! nix-shell -i bash'), 'no-packages');
    has(script('#! nix-shell -i bash -p x --help'), 'never-runs');
  });
  it('local files that would not exist in the Pod', () => {
    has(script('#! nix-shell shell.nix -i bash'), 'local-file');
    has(script('#! nix-shell -i bash -p ./pkg.nix'), 'local-file');
    has(script('#! nix-shell -i bash -p "import ./x.nix"'), 'local-file');
    has(script('#! nix-shell -i bash -p x -I nixpkgs=./nix'), 'local-file');
    has(script('#! nix-shell -i bash -p x --arg cfg ./cfg.nix'), 'local-file');
    has(script('#! nix-shell -i bash -E "import ./shell.nix"'), 'local-file');
    assert.deepEqual(rules(script('#! nix-shell "<nixpkgs>" -A hello -i bash')), []);
  });
  it('package words that are not valid Nix', () => {
    has(script('#! nix-shell -i bash -p curl # needs curl'), 'nix-comment');
    has(script("#! nix-shell -i bash -p hello ''"), 'empty-package');
    has(script('#! nix-shell -i bash -p "python3.withPackages (ps: [ ps.requests ]"'), 'nix-syntax');
    has(script('#! nix-shell -i bash -p gcc+'), 'invalid-attr-path');
  });
  it('-A with -p', () => {
    has(script('#! nix-shell -i bash -p hello -A shellDrv'), 'attr-with-packages');
  });
  it('CRLF, BOM, size', () => {
    has(script('#! nix-shell -i bash -p jq').replace(/\n/g, '\r\n'), 'crlf');
    has('\uFEFF' + script('#! nix-shell -i bash -p jq'), 'bom');
    has(script('#! nix-shell -i bash -p jq', 'x'.repeat(1024 * 1024)), 'too-large');
  });
  it('positions point at the offending word', () => {
    const d = check(script('#! nix-shell -i bash -p curl gcc+')).diagnostics[0];
    assert.deepEqual([d?.line, d?.col, d?.path, d?.rule], [2, 33, 'dir/run.sh', 'invalid-attr-path'], 'the column of the +');
  });
  it('two scripts that get the same resource name', () => {
    const a = check(script('#! nix-shell -i bash -p x'), 'a/run.sh');
    const b = check(script('#! nix-shell -i bash -p x'), 'b/run.sh');
    const d = checkNameCollisions([a, b]);
    assert.deepEqual(d.map((x) => [x.path, x.rule]), [['a/run.sh', 'duplicate-name'], ['b/run.sh', 'duplicate-name']]);
    // Names that differ only where the label loses information get bases of their own (see test/unit/names.test.ts).
    assert.deepEqual(checkNameCollisions([a, check(script('#! nix-shell -i bash -p x'), 'b/Run.sh')]), []);
  });
});

describe('checks: warnings', () => {
  it('duplicate package, single quotes, --impure after --pure', () => {
    has(script('#! nix-shell -i bash -p jq jq'), 'duplicate-package', 'warning');
    has(script("#! nix-shell -i bash -p 'python3.withPackages (ps: [ ps.requests ])'"), 'single-quotes', 'warning');
    has(script('#! nix-shell -i bash -p jq --pure --impure'), 'impure-after-pure', 'warning');
  });
  it('a first line over 255 bytes', () => {
    has(`#! /usr/bin/env nix-shell ${'x'.repeat(250)}\n#! nix-shell -i bash -p jq\n${PINNED}`, 'long-first-line', 'warning');
  });
  it('nixpkgs not pinned', () => {
    has('#!/usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n', 'unpinned-nixpkgs', 'warning');
  });
  it('messages say what to do', () => {
    for (const d of check('#!/usr/bin/env nix-shell\n#! nix-shell -p jq jq --pure --impure\n').diagnostics) assert.ok(d.hint, d.rule);
  });
});

describe('checks: bytes', () => {
  it('non-UTF-8 scripts are checked too', () => {
    const bytes = new Uint8Array([...enc(script('#! nix-shell -i bash -p jq')), 0xff, 0xfe, 0x0a]);
    const c = check(bytes);
    assert.equal(c.text, null);
    assert.deepEqual(c.diagnostics, []);
  });
});

describe('crlf: the message names the program the first line asks for', () => {
  const crlfMessage = (first: string): string | undefined =>
    check(`${first}\r\n#! nix-shell -i bash -p jq\r\necho\r\n`).diagnostics.find((d) => d.rule === 'crlf')?.message;
  it('the script\'s own program, with the "\\r" stuck to it', () => {
    assert.equal(crlfMessage('#!/usr/bin/env nix-shell'), 'CRLF line endings: the kernel looks for an interpreter named "nix-shell\\r" and bash reads "\\r" into every command');
    assert.match(crlfMessage('#!/usr/bin/env nix') ?? '', /named "nix\\r"/);
    assert.match(crlfMessage('#!/bin/bash') ?? '', /named "\/bin\/bash\\r"/);
    assert.match(crlfMessage('#! /usr/bin/env -S nix shell nixpkgs#jq') ?? '', /the #! line's last word reaches its program as "nixpkgs#jq\\r"/);
  });
  it('a first line without CR claims nothing about it', () => {
    const d = check('#!/usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\r\necho\r\n').diagnostics.find((x) => x.rule === 'crlf');
    assert.equal(d?.message, 'CRLF line endings: bash reads "\\r" into every command');
  });
});
