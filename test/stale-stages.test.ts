import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { removeStaleStages, stagePrefix } from '../src/io/stage.js';
import { BIN, script, tempTree } from './helpers/cli.js';

/** A pid no process can have: above the kernel's pid_max. */
const DEAD = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;
/** This boot's and pid namespace's part of a staging folder's name. */
const HOST = basename(stagePrefix('/x')).slice('.nixpod-'.length, -`-${process.pid}-`.length);
/** Another boot's or namespace's (another host, a container): its pids mean nothing here. */
const ELSEWHERE = HOST === '00000000-1' ? '00000000-2' : '00000000-1';

/** A staging folder as a run with `pid` in `host` (boot and pid namespace) leaves it, holding `entries` (paths; a trailing '/' makes a folder). */
function stage(dir: string, pid: number, entries: string[], host = HOST, tag = 'Ab12cd'): string {
  const s = join(dir, `.nixpod-${host}-${pid}-${tag}`);
  mkdirSync(s);
  for (const e of entries) {
    if (e.endsWith('/')) mkdirSync(join(s, e), { recursive: true });
    else writeFileSync(join(s, e), 'x');
  }
  return basename(s);
}

describe('staging folders left by a killed run', () => {
  it('are removed when their process (of this boot and pid namespace) is gone, unless they hold entries a swap set aside', async () => {
    const dir = tempTree({ 'keep.yaml': 'a: 1\n' });
    mkdirSync(join(dir, '.nixpod-Zz9xY1'));
    const gone = [stage(dir, DEAD, ['a.yaml', '.tmp'], HOST, 'Gone01'), stage(dir, DEAD, ['new/', 'new/x.nix', 'old/'], HOST, 'Gone02')];
    const kept = [
      stage(dir, DEAD, ['a.yaml', '.old-0'], HOST, 'Kept01'),
      stage(dir, DEAD, ['.gone-3'], HOST, 'Kept02'),
      stage(dir, DEAD, ['new/', 'old/', 'old/x.nix'], HOST, 'Kept03'),
      stage(dir, process.pid, ['a.yaml'], HOST, 'Kept04'),
      stage(dir, 1, ['a.yaml'], HOST, 'Kept05'),
      stage(dir, DEAD, ['a.yaml'], ELSEWHERE, 'Kept06'),
    ];
    // Not ours whatever their pid says: a name of another form, a link to a folder, a file.
    mkdirSync(join(dir, '.nixpod-vm-999997-backup'));
    writeFileSync(join(dir, '.nixpod-vm-999997-backup', 'x'), 'keep me');
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere', 'x'), 'keep me');
    symlinkSync(join(dir, 'elsewhere'), join(dir, `.nixpod-${HOST}-${DEAD}-Link01`));
    writeFileSync(join(dir, `.nixpod-${HOST}-${DEAD}-File01`), 'keep me');
    kept.push('.nixpod-vm-999997-backup', 'elsewhere', `.nixpod-${HOST}-${DEAD}-Link01`, `.nixpod-${HOST}-${DEAD}-File01`);
    await removeStaleStages(dir);
    const left = readdirSync(dir).sort();
    for (const g of gone) assert.ok(!left.includes(g), `${g} is left`);
    assert.deepEqual(left, ['.nixpod-Zz9xY1', ...kept, 'keep.yaml'].sort());
    assert.equal(readFileSync(join(dir, 'elsewhere', 'x'), 'utf8'), 'keep me');
  });

  it('render -o DIR takes away a killed run\'s leftover, and keeps a running one\'s', async () => {
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    const out = join(dir, 'out');
    mkdirSync(out);
    const sleeper = spawn('sleep', ['30']);
    try {
      const left = stage(out, DEAD, ['a-sh.yaml']);
      const running = stage(out, sleeper.pid as number, ['a-sh.yaml'], HOST, 'Live01');
      const r = spawnSync(process.execPath, [BIN, 'render', '-o', out, join(dir, 'a.sh')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(!existsSync(join(out, left)));
      assert.ok(existsSync(join(out, running)));
      assert.ok(readdirSync(out).some((f) => /^a-sh\.yaml$/.test(f)));
    } finally {
      sleeper.kill();
    }
  });
});
