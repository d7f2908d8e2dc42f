import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { mountFullDisk, type FullDisk } from './helpers/full-disk.js';
import { ROOT, script, spawnCli, tempTree } from './helpers/cli.js';

const A = script('#! nix-shell -i bash -p jq');
const B = script('#! nix-shell -i python3 -p python3');
const C = script('#! nix-shell -i bash -p curl');
const REG = ['--registry', 'reg.example/s'];

/** Every entry under `dir`: a file's mode and bytes, a folder's mode, so that "unchanged" means to the byte. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const st = statSync(join(dir, rel));
    out[rel] = st.isDirectory() ? `dir ${st.mode.toString(8)}` : `${st.mode.toString(8)} ${readFileSync(join(dir, rel), 'base64')}`;
  }
  return out;
}

/** Run `body` on a full 64 KiB tmpfs (root only; skips with the reason elsewhere, fails in CI), unmounting whatever happens. */
async function onFullDisk(t: TestContext, body: (disk: FullDisk) => void | Promise<void>): Promise<void> {
  const disk = mountFullDisk();
  if (typeof disk === 'string') return void t.skip(disk);
  try {
    await body(disk);
  } finally {
    disk.unmount();
  }
}

const enospc = /^nixpod: error: cannot write .*: ENOSPC \(no space left on device/m;

describe('render -o DIR on a full disk (built CLI)', () => {
  it('a DIR it created (with the folders above it) is removed again: nothing left behind, exit 2', (t) =>
    onFullDisk(t, (disk) => {
      const src = tempTree({ 'a.sh': A });
      const r = spawnCli(['render', 'a.sh', '-o', join(disk.dir, 'out/deep')], src);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, enospc);
      assert.match(r.stderr, /hint: nothing in .*out\/deep was changed: free space/);
      assert.deepEqual(disk.entries(), []);
    }));

  it('when some files were written before the disk filled, none stays, nor the folder', (t) =>
    onFullDisk(t, (disk) => {
      disk.free(2);
      const src = tempTree({ 'a.sh': A, 'b.sh': B, 'c.sh': C });
      const r = spawnCli(['render', '.', '-o', join(disk.dir, 'out')], src);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, enospc);
      assert.deepEqual(disk.entries(), []);
      // The same run fits once there is room: the failure was the disk, and it is gone with it.
      disk.free(4);
      const ok = spawnCli(['render', '.', '-o', join(disk.dir, 'out')], src);
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(disk.entries(), ['out', 'out/a-sh.yaml', 'out/b-sh.yaml', 'out/c-sh.yaml', 'out/kustomization.yaml']);
    }));

  it('a DIR that existed keeps its content exactly (its files, a user\'s file, modes), and no temp file', (t) =>
    onFullDisk(t, (disk) => {
      disk.free(6);
      const src = tempTree({ 'a.sh': A, 'b.sh': B });
      const out = join(disk.dir, 'out');
      assert.equal(spawnCli(['render', '.', '-o', out], src).code, 0);
      writeFileSync(join(out, 'notes.txt'), 'mine\n');
      const before = snapshot(out);
      // Fill what is left, then render changed scripts (and one more) over the earlier output.
      fillUp(disk);
      writeFileSync(join(src, 'a.sh'), A.replace('jq', 'jq ripgrep'));
      writeFileSync(join(src, 'c.sh'), C);
      const r = spawnCli(['render', '.', '-o', out], src);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, enospc);
      assert.deepEqual(snapshot(out), before);
    }));

  it('a folder above DIR that existed stays; only the folders nixpod made go', (t) =>
    onFullDisk(t, (disk) => {
      mkdirSync(join(disk.dir, 'keep'));
      const src = tempTree({ 'a.sh': A });
      const r = spawnCli(['render', 'a.sh', '-o', join(disk.dir, 'keep/x/y')], src);
      assert.equal(r.code, 2, r.stderr);
      assert.deepEqual(disk.entries(), ['keep']);
    }));
});

describe('nixpod image -o DIR on a full disk (built CLI)', () => {
  it('a DIR it created is removed again, whether nothing or part of the tree was written', (t) =>
    onFullDisk(t, (disk) => {
      const src = tempTree({ 'a.sh': A, 'b.sh': B });
      const none = spawnCli(['image', '.', '-o', join(disk.dir, 'img/x'), ...REG], src);
      assert.equal(none.code, 2, none.stderr);
      assert.match(none.stderr, enospc);
      assert.deepEqual(disk.entries(), []);
      disk.free(3);
      const part = spawnCli(['image', '.', '-o', join(disk.dir, 'img'), ...REG], src);
      assert.equal(part.code, 2, part.stderr);
      assert.match(part.stderr, /ENOSPC/);
      assert.match(part.stderr, /hint: nothing in .*img was changed: free space/);
      assert.deepEqual(disk.entries(), []);
    }));

  it('a DIR that existed keeps its earlier image trees exactly, and no staging folder', (t) =>
    onFullDisk(t, (disk) => {
      disk.free(8);
      const src = tempTree({ 'a.sh': A });
      const img = join(disk.dir, 'img');
      const first = spawnCli(['image', '.', '-o', img, ...REG], src);
      assert.equal(first.code, 0, first.stderr);
      writeFileSync(join(img, 'README'), 'mine\n');
      const before = snapshot(img);
      fillUp(disk);
      writeFileSync(join(src, 'a.sh'), A.replace('jq', 'jq ripgrep'));
      writeFileSync(join(src, 'b.sh'), B);
      const r = spawnCli(['image', '.', '-o', img, ...REG], src);
      assert.equal(r.code, 2, r.stderr);
      assert.deepEqual(snapshot(img), before);
    }));
});

describe('check --fix on a full disk (built CLI)', () => {
  it('leaves the script as it was, and no temp file beside it', (t) =>
    onFullDisk(t, (disk) => {
      disk.free(1);
      const path = join(disk.dir, 'a.sh');
      // CRLF line ends: a fix that rewrites the file.
      const crlf = A.replace(/\n/g, '\r\n');
      writeFileSync(path, crlf);
      fillUp(disk);
      const r = spawnCli(['check', '--fix', 'a.sh'], disk.dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^nixpod: error: cannot write \S*\/a\.sh: ENOSPC/m);
      assert.match(r.stderr, /hint: \S*\/a\.sh was left as it was/);
      assert.equal(readFileSync(path, 'utf8'), crlf);
      assert.deepEqual(disk.entries(), ['a.sh']);
    }));
});

describe('index -o FILE on a full disk (built CLI)', () => {
  const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;
  it('the folders it made for FILE are removed again, exit 2', { skip: hasNix || process.env.NIXPOD_REQUIRE_NIX ? false : 'nix-instantiate is not installed' }, (t) =>
    onFullDisk(t, (disk) => {
      const r = spawnCli(['index', '--nixpkgs', join(ROOT, 'test/fixtures/nixpkgs'), '-o', join(disk.dir, 'a/b/pkgs.txt')], tempTree({}));
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /ENOSPC/);
      assert.deepEqual(disk.entries(), []);
    }));
});

/** Take the pages that are free again (after a successful write freed or used some). */
function fillUp(disk: FullDisk): void {
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(disk.dir, 'fill', `more-${i}`), Buffer.alloc(4096, 0x78));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      return;
    }
  }
}
