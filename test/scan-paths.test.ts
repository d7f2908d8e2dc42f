import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { collectScripts, displayPath } from '../src/io/scan.js';
import { SlabReader } from '../src/io/read-files.js';
import { pick, rng } from './helpers/random.js';

/**
 * collectScripts works out paths per folder and reads files into shared slabs;
 * held here to the per-file definitions: each file's path is displayPath of it,
 * its source its path from the nearest `.git` folder, its bytes readFileSync's.
 */
const SEED = Number(process.env.NIXPOD_SEED ?? 20261130);

function randomTree(r: () => number, top: string): string[] {
  const folders = [top];
  const names = ['a', 'b', 'deploy', 'x y', 'ü', 'sub.d', '..dots', 'job-1'];
  for (let i = 0; i < 12; i++) {
    const d = join(pick(r, folders), `${pick(r, names)}${i}`);
    mkdirSync(d, { recursive: true });
    if (r() < 0.2) mkdirSync(join(d, '.git'));
    folders.push(d);
  }
  for (let i = 0; i < 60; i++) writeFileSync(join(pick(r, folders), `${pick(r, names)}-${i}.sh`), `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\necho ${i}\n`);
  return folders;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.name.startsWith('.') ? [] : e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

function rootOf(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (statSync(join(d, '.git'))) return d;
    } catch {
      // not here
    }
    if (dirname(d) === d) return undefined;
  }
}

describe('collectScripts: paths per folder, bytes from slabs, as the per-file definitions give them', () => {
  it(`random trees, named from inside, above, below and beside (seed ${SEED})`, async () => {
    const r = rng(SEED);
    for (let round = 0; round < 6; round++) {
      const top = realpathSync(mkdtempSync(join(tmpdir(), 'nixpod-scan-')));
      if (round % 2 === 0) mkdirSync(join(top, '.git'));
      const folders = randomTree(r, top);
      const named = pick(r, folders);
      const cwd = pick(r, [...folders, dirname(top)]);
      const scan = await collectScripts([relative(cwd, named) || '.'], cwd);
      const expected = filesUnder(named)
        .map((abs) => ({ path: displayPath(abs, cwd), source: relative(rootOf(dirname(abs)) ?? resolve(named), abs).split(sep).join('/'), dir: dirname(abs), bytes: readFileSync(abs) }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      assert.deepEqual(scan.scripts.map((s) => s.path), expected.map((e) => e.path), `round ${round}: paths`);
      assert.deepEqual(scan.scripts.map((s) => s.source), expected.map((e) => e.source), `round ${round}: sources`);
      assert.deepEqual(scan.scripts.map((s) => s.dir), expected.map((e) => e.dir), `round ${round}: folders`);
      scan.scripts.forEach((s, i) => assert.ok(Buffer.from(s.bytes).equals(expected[i]!.bytes), `round ${round}: bytes of ${s.path}`));
    }
  });

  it('reads empty, small, chunk-sized and large files whole, each its own bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nixpod-slab-'));
    const sizes = [0, 1, 4095, 65535, 65536, 65537, 200_000, 1 << 20, (1 << 20) + 3, 10, 0, 70_000];
    const reader = new SlabReader();
    const got = sizes.map((n, i) => {
      const p = join(dir, `f${i}`);
      writeFileSync(p, Buffer.alloc(n, i + 1));
      return reader.read(p);
    });
    sizes.forEach((n, i) => {
      assert.equal(got[i]!.length, n, `file ${i}`);
      assert.ok(got[i]!.every((b) => b === i + 1), `file ${i} holds its own bytes, not a neighbour's`);
    });
  });

  it('reads on where a file system answers short before the end (/proc gives a page at a time)', { skip: process.platform !== 'linux' }, () => {
    const whole = readFileSync('/proc/self/maps').length;
    assert.ok(whole > 4096, 'this process maps more than a page of text');
    // The maps grow as the process allocates: the reader must get about all of it, not its first page.
    assert.ok(new SlabReader().read('/proc/self/maps').length > whole * 0.9);
  });
});
