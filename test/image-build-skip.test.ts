import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatSummary } from '../src/cli/reporter.js';
import { collectScripts } from '../src/io/scan.js';
import { runCli, script, spawnCli, tempTree } from './helpers/cli.js';

const ok = script('#! nix-shell -i bash -p jq');
const REG = ['--registry', 'reg.example/s'];
const SKIPPED = '1 nixpod image folder skipped: script copies written by nixpod image (.nixpod-image), name it to read it';
const configMaps = (yaml: string): string[] => [...yaml.matchAll(/^kind: ConfigMap\n(?:.*\n)*? {2}name: (\S+)$/gm)].map((m) => (m[1] as string).replace(/-[0-9a-f]{10}$/, ''));

describe('nixpod image -o DIR inside the scanned folder: its copies are not read as scripts', () => {
  it('render and check of the folder skip the build tree, say so, and find no duplicate names (built CLI)', () => {
    const dir = tempTree({ 'scripts/a.sh': ok, 'scripts/sub/b.sh': ok });
    const image = spawnCli(['image', '-o', 'scripts/build', 'scripts', ...REG], dir);
    assert.equal(image.code, 0, image.stderr);
    // A second image run scans the folder that now holds the first run's copies.
    const again = spawnCli(['image', '-o', 'scripts/build', 'scripts', ...REG], dir);
    assert.equal(again.code, 0, again.stderr);
    const render = spawnCli(['render', 'scripts'], dir);
    assert.equal(render.code, 0, render.stderr);
    assert.doesNotMatch(render.stderr, /duplicate-name/);
    assert.match(render.stderr, /^0 errors, 0 warnings in 2 scripts \(.*; 2 nixpod image folders skipped: script copies written by nixpod image \(\.nixpod-image\), name it to read it\)$/m);
    assert.deepEqual(configMaps(render.stdout).sort(), ['a-sh', 'b-sh']);
    assert.doesNotMatch(render.stdout, /scripts\/build/);
    const check = spawnCli(['check', 'scripts'], dir);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stderr, /2 nixpod image folders skipped/);
  });

  it('a build folder named explicitly, or a file inside it, is read (explicit beats the walk)', async () => {
    const dir = tempTree({ 'scripts/a.sh': ok });
    assert.equal((await runCli(['image', '-o', 'scripts/build', 'scripts', ...REG], dir)).code, 0);
    const folder = await runCli(['render', 'scripts/build/a-sh'], dir);
    assert.equal(folder.code, 0, folder.stderr);
    assert.deepEqual(configMaps(folder.stdout), ['a-sh']);
    assert.doesNotMatch(folder.stderr, /nixpod image folder/);
    const file = await runCli(['render', 'scripts/build/a-sh/a.sh'], dir);
    assert.equal(file.code, 0, file.stderr);
    assert.deepEqual(configMaps(file.stdout), ['a-sh']);
    // Named with its original, the copy clashes again: the user asked for both.
    const both = await runCli(['check', 'scripts/a.sh', 'scripts/build/a-sh'], dir);
    assert.equal(both.code, 1);
    assert.match(both.stdout + both.stderr, /\[duplicate-name\]/);
  });
});

describe('scan: what marks a folder as nixpod image\'s', () => {
  it('counts each marked folder once, at any depth, and reads nothing under it', async () => {
    const dir = tempTree({ 'a.sh': ok, 'x/y/z/.nixpod-image': 'marker\n', 'x/y/z/copy.sh': ok, 'x/y/z/deep/more.sh': ok, 'x/y/w.sh': ok });
    const scan = await collectScripts(['.'], dir);
    assert.deepEqual(scan.scripts.map((s) => s.path), ['a.sh', 'x/y/w.sh']);
    assert.deepEqual(scan.skips, { 'image-build': 1 });
  });

  it('only a regular file named .nixpod-image marks a folder: a folder or a symlink of that name does not', async () => {
    const dir = tempTree({ 'd/.nixpod-image/x': 'x\n', 'd/a.sh': ok, 'l/b.sh': ok, 'target': 'x\n' });
    symlinkSync(join(dir, 'target'), join(dir, 'l', '.nixpod-image'));
    const scan = await collectScripts(['d', 'l'], dir);
    assert.deepEqual(scan.scripts.map((s) => s.path), ['d/a.sh', 'l/b.sh']);
    assert.equal(scan.skips['image-build'], undefined);
  });

  it('the folder named on the command line is read even when it is marked', async () => {
    const dir = tempTree({ 'b/.nixpod-image': 'marker\n', 'b/a.sh': ok });
    mkdirSync(join(dir, 'b', 'inner'));
    writeFileSync(join(dir, 'b', 'inner', '.nixpod-image'), 'marker\n');
    writeFileSync(join(dir, 'b', 'inner', 'c.sh'), ok);
    const scan = await collectScripts(['b'], dir);
    assert.deepEqual(scan.scripts.map((s) => s.path), ['b/a.sh']);
    assert.deepEqual(scan.skips, { hidden: 1, 'image-build': 1 });
  });

  it('the summary names the kind, singular and plural', () => {
    assert.equal(formatSummary([], 1, { 'image-build': 1 }), `0 errors, 0 warnings in 1 script (${SKIPPED})\n`);
    assert.match(formatSummary([], 1, { 'image-build': 3 }), /\(3 nixpod image folders skipped: /);
  });
});
