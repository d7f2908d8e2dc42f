import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './helpers/cli.js';

/** A working directory deleted under the shell (a build folder wiped by another terminal). */
function inGoneFolder(args: string[]) {
  const parent = mkdtempSync(join(tmpdir(), 'nixpod-gone-'));
  const dir = join(parent, 'gone');
  mkdirSync(dir);
  // The shell cds into the folder, the folder goes, then nixpod starts there.
  const r = spawnSync('sh', ['-c', `cd "$1" && rmdir "$1" && shift && exec "$@"`, 'sh', dir, process.execPath, BIN, ...args], { encoding: 'utf8' });
  rmSync(parent, { recursive: true, force: true });
  return r;
}

describe('a working directory that no longer exists', () => {
  it('--version answers: it needs no folder', () => {
    const r = inGoneFolder(['--version']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  for (const args of [['check', '/tmp'], ['render', '.']]) {
    it(`${args[0]}: one plain error, exit 2, no stack trace`, () => {
      const r = inGoneFolder(args);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr, 'nixpod: error: the working directory no longer exists (deleted or unmounted)\n  hint: cd to a folder that exists and run nixpod again\n');
      assert.equal(r.stdout, '');
    });
  }
});
