import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeOutputFolder } from '../src/io/made-dir.js';
import { tempTree } from './helpers/cli.js';

describe('makeOutputFolder: undo takes away only the folders it made', () => {
  it('removes the folder and the missing folders above it, not the one that existed', async () => {
    const dir = tempTree({ 'keep/file': 'x\n' });
    const undo = await makeOutputFolder(join(dir, 'keep/a/b/c'));
    assert.ok(existsSync(join(dir, 'keep/a/b/c')));
    await undo();
    assert.deepEqual(readdirSync(join(dir, 'keep')), ['file']);
  });

  it('is a no-op for a folder that existed', async () => {
    const dir = tempTree({ 'out/old.yaml': 'x\n' });
    mkdirSync(join(dir, 'out/empty'));
    await (await makeOutputFolder(join(dir, 'out/empty')))();
    assert.ok(existsSync(join(dir, 'out/empty')));
  });

  it('leaves a folder holding a file it did not write, and the folders above that one', async () => {
    const dir = tempTree({});
    const undo = await makeOutputFolder(join(dir, 'a/b/c'));
    writeFileSync(join(dir, 'a/b/theirs'), 'not nixpod\'s\n');
    await undo();
    assert.deepEqual(readdirSync(join(dir, 'a/b')), ['theirs']);
  });

  it('understands any spelling of the path (./, .., a trailing slash)', async () => {
    const dir = tempTree({});
    const undo = await makeOutputFolder(`${dir}/x/./y/../z/`);
    assert.ok(existsSync(join(dir, 'x/z')));
    await undo();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('refuses a path under a file, in one line that says to give a folder', async () => {
    const dir = tempTree({ f: 'x\n' });
    await assert.rejects(makeOutputFolder(join(dir, 'f/out')), { message: `cannot write into ${join(dir, 'f/out')}: it (or a folder above it) is a file, not a folder` });
  });
});
