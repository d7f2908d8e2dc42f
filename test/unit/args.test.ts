import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShebang, summarizeShebang } from '../../src/core/shebang/parse.js';

const parse = (args: string) => parseShebang(`#!/usr/bin/env nix-shell\n#! nix-shell ${args}\n`);
const sum = (args: string) => summarizeShebang(parse(args));

describe('nix-shell argument parsing', () => {
  it('-p is a switch: every positional word anywhere is a package', () => {
    assert.deepEqual(sum('jq -i bash -p curl -p git --packages gawk').packages, ['jq', 'curl', 'git', 'gawk']);
  });
  it('the last of -i / --run / --command wins', () => {
    assert.equal(sum('-i python3 -p python3 -i bash').interpreter, 'bash');
    const s = sum('-i bash -p hello --run "hello --greeting hi"');
    assert.equal(s.interpreter, null);
    assert.equal(s.run, 'hello --greeting hi');
  });
  it('--impure cannot undo --pure (MixEvalArgs takes it first)', () => {
    const m = parse('-i bash -p x --pure --impure');
    assert.equal(summarizeShebang(m).pure, true);
    assert.equal(m.args.impureAfterPure?.value, '--impure');
  });
  it('expands compound short flags, and the first non-letter starts a new word', () => {
    assert.equal(parse('-ibash -p curl').error?.message, "unrecognised flag '-a'");
    assert.deepEqual(sum('-i bash -p x -j4').packages, ['x']);
    assert.deepEqual(sum('-i bash -p x -I./nix').nixPath, ['./nix']);
  });
  it('knows the arity of nix flags, so their values are not packages', () => {
    const s = sum('-i bash -p hello --option sandbox false --arg config "{ allowUnfree = true; }" --argstr system x86_64-linux -j 4 --cores 2 --keep TOKEN -I nixpkgs=channel:nixos-unstable --substituters x --no-substitute');
    assert.deepEqual(s.packages, ['hello']);
    assert.deepEqual(s.args, { config: { kind: 'arg', value: '{ allowUnfree = true; }' }, system: { kind: 'argstr', value: 'x86_64-linux' } });
    assert.deepEqual(s.keep, ['TOKEN']);
    assert.deepEqual(s.nixPath, ['nixpkgs=channel:nixos-unstable']);
  });
  it('takes flag values verbatim, even when they start with a dash', () => {
    assert.equal(sum('-p x -i --').interpreter, '--');
  });
  it('after --, words are positional', () => {
    assert.deepEqual(sum('-i bash -p -- hello').packages, ['hello']);
  });
  it('reports a flag missing its value', () => {
    const m = parse('-p hello -i');
    assert.equal(m.error?.rule, 'flag-missing-value');
    assert.deepEqual(parse('-p x --option sandbox').error?.rule, 'flag-missing-value');
  });
  it('reports unknown flags with a did-you-mean', () => {
    const m = parse('-i bash --packges hello');
    assert.equal(m.error?.rule, 'unknown-flag');
    assert.equal(m.error?.hint, 'did you mean "--packages"?');
  });
  it('collects -A, -E and expression files', () => {
    const s = sum('shell.nix -A dev.tools -i bash');
    assert.deepEqual(s.expressionFiles, ['shell.nix']);
    assert.deepEqual(s.attr, ['dev.tools']);
    assert.deepEqual(sum('-E "with import <nixpkgs> {}; hello" -i bash').expressionFiles, []);
  });
  it('treats --help, --version and - as flags that stop the script from running', () => {
    assert.equal(parse('-i bash -p x --version').args.neverRuns?.value, '--version');
    assert.equal(parse('-i bash -p x -').args.neverRuns?.value, '-');
    assert.equal(parse('--help --no-such-flag').error, undefined, 'nix-shell exits at --help before reading on');
  });
  it('accepts every nix.conf setting as a flag', () => {
    assert.equal(parse('-i bash -p x --extra-substituters https://a --sandbox --no-sandbox --max-jobs 2').error, undefined);
  });
});

describe('integer settings, checked when set as Nix does', () => {
  const err = (line: string) => parse(line).error;
  it('accepts whole numbers, unit suffixes and max-jobs auto', () => {
    for (const l of ['--cores 4', '--cores 2k', '-j auto', '--max-jobs 8', '--option cores 1', '--option sandbox relaxed', '--option no-such-setting x', '--timeout 10M']) assert.equal(err(`-i bash -p jq ${l}`), undefined, l);
  });
  it("reports what Nix reports: 'X' is not an integer, invalid unit specifier", () => {
    assert.match(err('-p jq --cores "python3.withPackages ])" -i bash')?.message ?? '', /'python3.withPackages \]\)' is not an integer/);
    assert.match(err('-p jq --cores auto -i bash')?.message ?? '', /invalid unit specifier 'O'/);
    assert.match(err('-p jq --max-jobs many -i bash')?.message ?? '', /invalid unit specifier 'Y'/);
    // --option catches the error and only warns (found by the differential test).
    assert.equal(err('-p jq --option cores false -i bash'), undefined);
    assert.equal(err('-p jq --build-cores x1 -i bash')?.rule, 'invalid-setting-value');
  });
});
