import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, runCli, script, tempTree, type CliResult } from './helpers/cli.js';

const ok = script('#! nix-shell -i bash -p jq');
const mkfifo = (p: string): void => {
  const r = spawnSync('mkfifo', [p]);
  assert.equal(r.status, 0, String(r.stderr));
};
/** Never hang: a FIFO that is opened for reading blocks for ever. */
const within = <T>(ms: number, p: Promise<T>): Promise<T> => Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);

/** Permissions bind only a user who is not root: as root, run the built CLI as nobody. */
async function asUser(argv: string[], cwd: string): Promise<CliResult> {
  if (process.getuid?.() !== 0) return runCli(argv, cwd);
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...argv], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('symlinks, FIFOs, loops and unreadable paths (issue 8 §1)', () => {
  it('inside folders: symlinks (to files, folders, loops) are not followed, FIFOs and dot-files are skipped, and each kind is counted', async () => {
    const dir = tempTree({ 'a.sh': ok, 'real/b.sh': ok, 'notes.txt': 'x\n', '.hidden.sh': ok });
    symlinkSync(join(dir, 'a.sh'), join(dir, 'link.sh'));
    symlinkSync(join(dir, 'real'), join(dir, 'linked-folder'));
    symlinkSync('.', join(dir, 'real', 'loop'));
    mkfifo(join(dir, 'pipe'));
    const r = await within(10_000, runCli(['check', '.'], dir));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '0 errors, 0 warnings in 2 scripts (1 other file skipped: no #! nix-shell line; 3 symlinks skipped: not followed inside folders, name it to use it; 1 hidden file or folder skipped: dot-names are never scripts; 1 FIFO skipped: never read)\n');
    const rendered = await within(10_000, runCli(['render', '.'], dir));
    assert.equal(rendered.code, 0);
    assert.match(rendered.stderr, /3 symlinks skipped/, 'render says what it left out too');
  });

  it('a symlink named explicitly is followed', async () => {
    const dir = tempTree({ 'real/a.sh': ok });
    symlinkSync(join(dir, 'real', 'a.sh'), join(dir, 'link.sh'));
    const r = await runCli(['render', 'link.sh'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /name: link-sh-/);
  });

  it('a symlink loop named explicitly is reported as a loop, a broken link as broken', async () => {
    const dir = tempTree({});
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    symlinkSync('missing.sh', join(dir, 'broken.sh'));
    const loop = await runCli(['check', 'loop-a'], dir);
    assert.equal(loop.code, 2, loop.stderr);
    assert.match(loop.stderr, /^nixpod: error: loop-a: a symlink loop/);
    const broken = await runCli(['check', 'broken.sh'], dir);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /^nixpod: error: broken\.sh: a broken symlink/);
  });

  it('a FIFO named explicitly is an error, and is never opened', async () => {
    const dir = tempTree({});
    mkfifo(join(dir, 'pipe.sh'));
    const r = await within(10_000, runCli(['check', 'pipe.sh'], dir));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^nixpod: error: pipe\.sh: is a FIFO \(named pipe\), not a script file\n {2}hint: /);
  });

  it('a folder or file that cannot be read is one line naming it (exit 2), not an internal error', async () => {
    const dir = tempTree({ 'locked/a.sh': ok, 'b.sh': ok });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'locked'), 0o000);
    chmodSync(join(dir, 'b.sh'), 0o000);
    try {
      const folder = await asUser(['check', '.'], dir);
      assert.equal(folder.code, 2, folder.stderr);
      assert.match(folder.stderr, /^nixpod: error: locked: cannot list the folder: permission denied\n/);
      const file = await asUser(['check', 'b.sh'], dir);
      assert.equal(file.code, 2, file.stderr);
      assert.match(file.stderr, /^nixpod: error: b\.sh: cannot read the file: permission denied\n/);
    } finally {
      chmodSync(join(dir, 'locked'), 0o755);
    }
  });

  it('node_modules folders are skipped and counted', async () => {
    const dir = tempTree({ 'a.sh': ok, 'node_modules/x/b.sh': ok });
    mkdirSync(join(dir, 'node_modules', 'y'));
    const r = await runCli(['check', '.'], dir);
    assert.match(r.stderr, /in 1 script \(1 node_modules folder skipped: dependencies\)/);
  });
});
