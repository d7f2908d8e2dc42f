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
