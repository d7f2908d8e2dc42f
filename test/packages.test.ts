import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli, tempTree } from './helpers/cli.js';

/** Packages that exist: `check --package-index` (no Nix) and `check --nix` (the real Debian nix-instantiate). */
const FIXTURE = join(ROOT, 'test/fixtures/nixpkgs');
const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;
const nixSkip = hasNix || process.env.NIXPOD_REQUIRE_NIX ? false : 'nix-instantiate is not installed (.ci/run installs nix-bin)';
const PATH = process.env.PATH ?? '/usr/bin:/bin';

const pinned = (pkgs: string, pin = FIXTURE) => `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p ${pkgs}\n#! nix-shell -I nixpkgs=${pin}\necho hi\n`;
const rules = (stdout: string) => [...stdout.matchAll(/\[([a-z-]+)\]$/gm)].map((m) => m[1]);

describe('check --package-index', () => {
  const index = 'hello\njq\ncurl\ngit\npython3\npython3Packages.requests\npython3Packages.pyyaml\nhaskellPackages.aeson\n';
  it('finds unknown packages with a did-you-mean from the names beside them', async () => {
    const dir = tempTree({ 'idx.txt': index, 'a.sh': pinned('jq python3Packages.reqests gti "python3.withPackages (ps: [ ps.requests ])"') });
    const r = await runCli(['check', '--package-index', 'idx.txt', 'a.sh'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /a\.sh:2:28: error: package 'python3Packages\.reqests' does not exist in the package index idx\.txt .*\[unknown-package\]\n {2}hint: did you mean 'python3Packages\.requests'\?/);
    assert.match(r.stdout, /package 'gti' does not exist.*\n {2}hint: did you mean 'git'\?/);
    // python3.withPackages is below a listed package: a list cannot tell, so it is not reported.
    assert.deepEqual(rules(r.stdout).filter((x) => x === 'unknown-package').length, 2);
  });
  it('reads the JSON that nix-env -qaP --json prints', async () => {
    const json = JSON.stringify({ hello: { name: 'hello-2.12' }, 'python3Packages.requests': { name: 'requests' } });
    const dir = tempTree({ 'idx.json': json, 'a.sh': pinned('hello python3Packages.requests'), 'b.sh': pinned('helo') });
    assert.equal((await runCli(['check', '--package-index', 'idx.json', 'a.sh'], dir)).code, 0);
    const r = await runCli(['check', '--package-index', 'idx.json', 'b.sh'], dir);
    assert.match(r.stdout, /did you mean 'hello'\?/);
  });
  it('a missing or unreadable index is a usage error naming it', async () => {
    const dir = tempTree({ 'a.sh': pinned('jq'), 'bad.json': '{ nope' });
    const r = await runCli(['check', '--package-index', 'none.txt', 'a.sh'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /none\.txt: no such file\n {2}hint: write one with: nixpod index/);
    assert.match((await runCli(['check', '--package-index', 'bad.json', 'a.sh'], dir)).stderr, /bad\.json: not a package index/);
    assert.equal((await runCli(['check', '--nix', '--package-index', 'x', 'a.sh'], dir)).code, 2);
  });
});

describe('check --nix with the real nix-instantiate and a nixpkgs-shaped fixture', { skip: nixSkip }, () => {
  it('reports unknown packages, a package that throws, and Nix syntax errors, at their words', async () => {
    const dir = tempTree({ 'a.sh': pinned('jq python3Packages.reqests broken "python3.withPackages (ps: [ ps.requests ])" "pythn3.withPackages (ps: [ ])" "if a then b"') });
    const r = await runCli(['check', '--nix', 'a.sh'], dir, { PATH });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /a\.sh:2:28: error: package 'python3Packages\.reqests' does not exist in nixpkgs .*fixtures\/nixpkgs \(the script's -I pin\).*\n {2}hint: did you mean 'python3Packages\.requests'\?/);
    assert.match(r.stdout, /package 'broken' is in nixpkgs .* but evaluating it throws .*\[package-throws\]/);
    assert.match(r.stdout, /'pythn3\.withPackages' \(in package 'pythn3\.withPackages \(ps: \[ \]\)'\) does not exist.*\n {2}hint: did you mean 'python3\.withPackages'\?/);
    // nixpod's own parser finds it before Nix is asked (once: Nix's answer for the word is not said twice).
    assert.match(r.stdout, /package 'if a then b': Nix cannot parse it: syntax error: unexpected end of file, expecting 'else' \[nix-syntax\]/);
    assert.deepEqual(rules(r.stdout).sort(), ['absolute-path', 'nix-syntax', 'package-throws', 'unknown-package', 'unknown-package']);
  });
  it('uses the pin, else <nixpkgs> from NIX_PATH, else --nixpkgs', async () => {
    const unpinned = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello kubectll\necho hi\n';
    const dir = tempTree({ 'a.sh': unpinned });
    const viaPath = await runCli(['check', '--nix', 'a.sh'], dir, { PATH, NIX_PATH: `nixpkgs=${FIXTURE}` });
    assert.match(viaPath.stdout, /'kubectll' does not exist in <nixpkgs> from NIX_PATH.*\n {2}hint: did you mean 'kubectl'\?/);
    const viaFlag = await runCli(['check', '--nix', '--nixpkgs', FIXTURE, 'a.sh'], dir, { PATH });
    assert.match(viaFlag.stdout, /'kubectll' does not exist in nixpkgs .* \(--nixpkgs\)/);
    const none = await runCli(['check', '--nix', 'a.sh'], dir, { PATH });
    assert.equal(none.code, 1);
    assert.match(none.stdout, /a\.sh:1:1: error: cannot check packages against <nixpkgs> from NIX_PATH: .*not found.*\[nixpkgs-unavailable\]\n {2}hint: pin nixpkgs/);
  });
  it('asks Nix once per distinct nixpkgs for all scripts together, not once per script or package', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`s${i}.sh`] = pinned(`jq hello curl${i % 3 === 0 ? 'x' : ''} "python3.withPackages (ps: [ ps.pyyaml ])"`);
    const dir = tempTree(files);
    // A nix-instantiate on PATH that logs each call, then runs the real one.
    const real = spawnSync('sh', ['-c', 'command -v nix-instantiate'], { encoding: 'utf8' }).stdout.trim();
    const log = join(dir, 'calls.log');
    writeFileSync(join(dir, 'nix-instantiate'), `#!/bin/sh\necho "$1" >> ${log}\nexec ${real} "$@"\n`);
    chmodSync(join(dir, 'nix-instantiate'), 0o755);
    const r = await runCli(['check', '--nix', '.'], dir, { PATH: `${dir}:${PATH}` });
    assert.equal((r.stdout.match(/\[unknown-package\]/g) ?? []).length, 10);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n').sort(), ['--eval', '--parse']);
  });
  it('without nix-instantiate, --nix is a clear error', async () => {
    const dir = tempTree({ 'a.sh': pinned('jq') });
    const r = await runCli(['check', '--nix', 'a.sh'], dir, { PATH: '/nonexistent' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--nix needs nix-instantiate, which is not on PATH\n {2}hint: install Nix/);
  });
  it('nixpod index writes the attribute paths of a nixpkgs, which --package-index reads back', async () => {
    const dir = tempTree({ 'a.sh': pinned('python3Packages.numpy haskellPackages.lenz') });
    const w = await runCli(['index', '--nixpkgs', FIXTURE, '-o', 'pkgs.txt'], dir, { PATH });
    assert.equal(w.code, 0, w.stderr);
    const lines = readFileSync(join(dir, 'pkgs.txt'), 'utf8').trim().split('\n');
    assert.ok(lines.includes('python3Packages.requests') && lines.includes('haskellPackages.aeson') && lines.includes('hello'), lines.join(','));
    assert.ok(!lines.includes('broken'));
    const r = await runCli(['check', '--package-index', 'pkgs.txt', 'a.sh'], dir);
    assert.match(r.stdout, /'haskellPackages\.lenz' does not exist.*\n {2}hint: did you mean 'haskellPackages\.lens'\?/);
    assert.doesNotMatch(r.stdout, /numpy/);
  });
});
