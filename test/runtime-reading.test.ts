import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempTree } from './helpers/cli.js';

// Nix before 2.19 reads single quotes as ordinary characters: 'jq' is then no package name (nix-syntax).
const QUOTED = "#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p 'jq'\necho hi\n";
const OLD_IMAGE = 'defaults:\n  image: nixos/nix:2.8.0\n';

describe('no Nix reads the script in the Pod on runtime nixery or image: current rules', () => {
  it('nix-shell runtime with nixos/nix:2.8.0: read as Nix 2.8 (the contrast)', async () => {
    const dir = tempTree({ 's.sh': QUOTED, 'nixpod.yaml': OLD_IMAGE });
    const r = await runCli(['check', 's.sh'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\[nix-version-reading\]/);
  });

  it('runtime nixery in the settings', async () => {
    const dir = tempTree({ 's.sh': QUOTED, 'nixpod.yaml': `${OLD_IMAGE}  runtime: nixery\n  nixery: nixery.example\n` });
    const c = await runCli(['check', 's.sh'], dir);
    assert.equal(c.code, 0, c.stderr);
    assert.doesNotMatch(c.stdout + c.stderr, /nix-version-reading|nix-syntax/);
    const r = await runCli(['render', 's.sh'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /image: nixery\.example\/jq\/bashinteractive:latest/);
  });

  it('--runtime on render wins over the settings, both ways', async () => {
    const dir = tempTree({ 's.sh': QUOTED, 'nixpod.yaml': OLD_IMAGE });
    const r = await runCli(['render', 's.sh', '--runtime', 'nixery=nixery.example'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /nix-version-reading|nix-syntax/);
    writeFileSync(join(dir, 'nixpod.yaml'), `${OLD_IMAGE}  runtime: nixery\n  nixery: nixery.example\n`);
    const back = await runCli(['render', 's.sh', '--runtime', 'nix-shell'], dir);
    assert.equal(back.code, 1);
    assert.match(back.stderr, /\[nix-version-reading\]/);
  });

  it('nixpod image reads with current rules whatever the image setting', async () => {
    const dir = tempTree({ 's.sh': QUOTED, 'nixpod.yaml': `${OLD_IMAGE}  registry: reg.example/s\n` });
    const r = await runCli(['image', 's.sh', '-o', 'out'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /nix-version-reading|nix-syntax/);
  });
});

describe('--nix-version: the help says what the code does', () => {
  it('the nixVersion setting wins over the image tag (a custom image), and the help says so', async () => {
    const dir = tempTree({ 's.sh': QUOTED, 'nixpod.yaml': `${OLD_IMAGE}  nixVersion: "2.24.0"\n` });
    const r = await runCli(['check', 's.sh'], dir);
    assert.doesNotMatch(r.stdout, /nix-version-reading|nix-syntax/);
    const help = await runCli(['check', '--help'], dir);
    const text = (help.stdout + help.stderr).replace(/\s+/g, ' ');
    assert.match(text, /--nix-version <version> .*default: the nixVersion setting, else the image tag nixos\/nix:X\.Y\.Z, else current Nix/);
  });
});

describe('--pure on runtime nixery or image: PATH has the -p packages only', () => {
  const PURE = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash --pure -p jq\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/0123456789abcdef0123456789abcdef01234567.tar.gz\nls | grep x\n';
  const WARNING = /^s\.sh:2:22: warning: --pure on runtime (nixery|image): PATH is \/bin, with the -p packages only; nix-shell --pure also has stdenv's coreutils, findutils, .*, so ls, sed, grep and the like are missing \[runtime-pure-path\]$/m;

  it('warns in check (runtime setting), render (--runtime) and nixpod image; not on nix-shell', async () => {
    const dir = tempTree({ 's.sh': PURE });
    assert.doesNotMatch((await runCli(['check', 's.sh'], dir)).stdout, /runtime-pure-path/);
    const render = await runCli(['render', 's.sh', '--runtime', 'nixery=nixery.example'], dir);
    assert.equal(render.code, 0, render.stderr);
    assert.match(render.stderr, WARNING);
    assert.match(render.stderr, /hint: add what the script calls to -p \(e\.g\. -p coreutils findutils diffutils\), or drop --pure/);
    const image = await runCli(['image', 's.sh', '-o', 'out', '--registry', 'reg.example/s'], dir);
    assert.equal(image.code, 0, image.stderr);
    assert.match(image.stderr, WARNING);
    writeFileSync(join(dir, 'nixpod.yaml'), 'defaults:\n  runtime: image\n  registry: reg.example/s\n');
    assert.match((await runCli(['check', 's.sh'], dir)).stdout, WARNING);
  });

  it('names only the tools the -p words lack, and is quiet when all are there', async () => {
    const some = tempTree({ 's.sh': PURE.replace('-p jq', '-p jq coreutils gnugrep') });
    const r = await runCli(['render', 's.sh', '--runtime', 'nixery=nixery.example'], some);
    assert.match(r.stderr, /stdenv's findutils, diffutils, gnused, gawk,/);
    const all = tempTree({ 's.sh': PURE.replace('-p jq', '-p jq coreutils findutils diffutils gnused gnugrep gawk gnutar gzip bzip2 xz gnumake patch') });
    assert.doesNotMatch((await runCli(['render', 's.sh', '--runtime', 'nixery=nixery.example'], all)).stderr, /runtime-pure-path/);
  });
});
