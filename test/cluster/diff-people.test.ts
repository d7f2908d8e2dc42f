/* eslint-disable no-control-regex -- these tests assert the ANSI colour sequences themselves */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { colourDiff, useColour } from '../../src/cli/colour.js';
import { parseExternalDiff } from '../../src/cli/external-diff.js';
import { BIN, runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

const ESC = '\x1b[';
/** Every diff here is as apply --prune --force-conflicts would be (the objects carry the ApplySet label; the drift is undone). */
const DRIFT = ['--prune', '--force-conflicts'];

describe('nixpod diff for people: summaries, colour, KUBECTL_EXTERNAL_DIFF', () => {
  let fake: FakeKube;
  let dir: string;
  const PATH = process.env.PATH ?? '/usr/bin:/bin';
  const cli = (args: string[], env: Record<string, string> = {}, signal?: AbortSignal) => runCli(['diff', '--kubeconfig', join(dir, 'kc'), ...args], dir, { HOME: dir, PATH, TMPDIR: join(dir, 'tmp'), ...env }, signal);

  before(async () => {
    fake = await new FakeKube({ users: { admin: { name: 'admin' } }, kubelet: () => null }).start();
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq'), 'b.sh': script('#! nix-shell -i bash -p curl'), 'c.sh': script('#! nix-shell -i bash -p hello'), 'tmp/.keep': '' });
    writeFileSync(join(dir, 'kc'), fake.kubeconfig('admin'));
    // a.sh and b.sh exist in the cluster, and someone edited a.sh's ConfigMap by hand (drift that apply --force-conflicts undoes);
    // c.sh is new; --prune would drop b.sh. (An edit of a script gives new names: that is an added and a pruned object.)
    assert.equal((await runCli(['apply', '--kubeconfig', join(dir, 'kc'), '--prune', 'a.sh', 'b.sh'], dir, { HOME: dir })).code, 0);
    tamper();
  });
  after(() => fake.close());
  const tamper = () => {
    const name = String(fake.list('configmaps', 'default').map((o) => (o.metadata as { name: string }).name).find((n) => n.startsWith('a-sh-')));
    fake.applyAs('kubectl-edit', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { 'a.sh': 'tampered\n' } });
  };

  it('one summary line per object before its hunks, and the totals on stderr', async () => {
    const r = await cli([...DRIFT, 'a.sh', 'c.sh']);
    assert.equal(r.code, 1, r.stderr);
    const heads = r.stdout.split('\n').filter((l) => /^(added|changed|pruned) /.test(l));
    assert.deepEqual(heads.map((l) => l.replace(/-[0-9a-f]{10}\b/, '-H').replace(/\d+/g, 'N')), ['changed configmap/a-sh-H (+N -N)', 'added configmap/c-sh-H (+N)', 'added pod/c-sh-H (+N)', 'pruned pod/b-sh-H (-N)', 'pruned configmap/b-sh-H (-N)']);
    assert.match(heads[0] ?? '', /\(\+4 -1\)$/, 'the script back in place of "tampered"');
    assert.equal(r.stderr, '2 added, 1 changed, 2 pruned, 1 unchanged\n', 'the Pod of a.sh is the same');
    assert.doesNotMatch(r.stdout, /\x1b/, 'no colour when stdout is not a terminal');
    // Each summary line comes right before that object's diff.
    assert.match(r.stdout, /^changed configmap\/(a-sh-\S+) \(\+4 -1\)\ndiff -u -N live\/v1\.ConfigMap\.default\.\1 merged\/v1\.ConfigMap\.default\.\1\n/m);
    const same = await cli([...DRIFT, 'a.sh', 'b.sh']);
    assert.equal(same.stderr, '0 added, 1 changed, 0 pruned, 3 unchanged\n');
  });

  it('colours like git with --color=always or FORCE_COLOR; never with NO_COLOR or --color=never', async () => {
    const always = await cli(['--color=always', ...DRIFT, 'a.sh', 'b.sh']);
    assert.equal(always.code, 1);
    assert.match(always.stdout, /^\x1b\[33mchanged\x1b\[m \x1b\[1mconfigmap\/a-sh-\S+ \(\+4 -1\)\x1b\[m$/m);
    assert.match(always.stdout, /^\x1b\[1mdiff -u -N live\/\S+ merged\/\S+\x1b\[m$/m);
    assert.match(always.stdout, /^\x1b\[36m@@ -\d+,\d+ \+\d+,\d+ @@\x1b\[m$/m);
    assert.match(always.stdout, /^\x1b\[31m- +tampered\x1b\[m$/m);
    assert.match(always.stdout, /^\x1b\[32m\+ +echo hi\x1b\[m$/m);
    const forced = await cli([...DRIFT, 'a.sh', 'b.sh'], { FORCE_COLOR: '1' });
    assert.equal(forced.stdout, always.stdout);
    for (const [args, env] of [[['a.sh'], { FORCE_COLOR: '1', NO_COLOR: '1' }], [['--color=never', 'a.sh'], { FORCE_COLOR: '1' }], [['a.sh'], { FORCE_COLOR: '0' }]] as const) {
      const r = await cli([...DRIFT, ...args], env);
      assert.equal(r.code, 1);
      assert.ok(!r.stdout.includes(ESC), `${args.join(' ')} ${JSON.stringify(env)}`);
    }
    assert.equal((await cli(['--color=sometimes', 'a.sh'])).code, 2);
  });

  it('the colour rules, and a removed line that looks like a header stays red', () => {
    assert.equal(useColour('auto', {}, true), true);
    assert.equal(useColour('auto', {}, false), false);
    assert.equal(useColour('auto', { NO_COLOR: '' }, true), true, 'an empty NO_COLOR does not count (no-color.org)');
    assert.equal(useColour('auto', { NO_COLOR: 'x' }, true), false);
    assert.equal(useColour('auto', { TERM: 'dumb' }, true), false);
    assert.equal(useColour('always', { NO_COLOR: '1' }, false), true, 'a flag wins over the environment');
    assert.equal(useColour('never', { FORCE_COLOR: '3' }, true), false);
    const d = 'diff -u -N a b\n--- a\n+++ b\n@@ -1,2 +1,1 @@\n--- not a header\n context\n';
    assert.equal(colourDiff(d), `${ESC}1mdiff -u -N a b${ESC}m\n${ESC}1m--- a${ESC}m\n${ESC}1m+++ b${ESC}m\n${ESC}36m@@ -1,2 +1,1 @@${ESC}m\n${ESC}31m--- not a header${ESC}m\n context\n`);
  });

  it('KUBECTL_EXTERNAL_DIFF="diff -u -N": the real diff(1) on LIVE-… and MERGED-… folders, and its exit status', async () => {
    const r = await cli([...DRIFT, 'a.sh', 'c.sh'], { KUBECTL_EXTERNAL_DIFF: 'diff -u -N' });
    assert.equal(r.code, 1, r.stderr);
    const tmp = join(dir, 'tmp');
    assert.match(r.stdout, new RegExp(`^diff -u -N ${tmp}/LIVE-\\w+/v1\\.ConfigMap\\.default\\.a-sh-\\S+ ${tmp}/MERGED-\\w+/v1\\.ConfigMap\\.default\\.a-sh-\\S+$`, 'm'));
    assert.match(r.stdout, /^- +tampered$/m);
    assert.match(r.stdout, /^\+ +echo hi$/m);
    assert.match(r.stdout, /^\+\+\+ \S+\/MERGED-\w+\/v1\.Pod\.default\.c-sh-\S+\t/m, 'a new object: an empty live file');
    assert.match(r.stdout, /^--- \S+\/LIVE-\w+\/v1\.Pod\.default\.b-sh-\S+\t/m, 'a pruned one: an empty merged file');
    assert.doesNotMatch(r.stdout, /^(added|changed) /m, 'the program alone shows the objects');
    assert.equal(r.stderr, '2 added, 1 changed, 2 pruned, 1 unchanged\n');
    assert.equal(readFileSync(join(tmp, '.keep'), 'utf8'), '');
    assert.ok(!existsSync(join(tmp, 'LIVE-')));
  });

  it('runs the program as kubectl does: PROGRAM LIVE MERGED FLAGS, only flag-like words, its 0/1 as the exit code', async () => {
    const rec = join(dir, 'rec.sh');
    writeFileSync(rec, '#!/bin/sh\nfor a in "$@"; do echo "arg:$a"; done\nls "$1" | sed "s/^/live:/"\nls "$2" | sed "s/^/merged:/"\nfor f in "$1"/*; do test -s "$f" || echo "empty-live:${f##*/}"; done\nexit "${REC_EXIT:-0}"\n');
    chmodSync(rec, 0o755);
    const r = await cli([...DRIFT, 'a.sh', 'c.sh'], { KUBECTL_EXTERNAL_DIFF: `${rec} -u  --color=always a,b -N`, REC_EXIT: '0' });
    assert.equal(r.code, 0, 'the program said "no differences": kubectl exits 0 then too');
    const lines = r.stdout.trim().split('\n');
    const args = lines.filter((l) => l.startsWith('arg:')).map((l) => l.slice(4));
    assert.match(args[0] ?? '', new RegExp(`^${join(dir, 'tmp')}/LIVE-\\w+$`));
    assert.match(args[1] ?? '', new RegExp(`^${join(dir, 'tmp')}/MERGED-\\w+$`));
    assert.deepEqual(args.slice(2), ['-u', '--color=always', '-N']);
    assert.match(r.stderr, /warning: KUBECTL_EXTERNAL_DIFF: 'a,b' is ignored/);
    const live = lines.filter((l) => l.startsWith('live:')).map((l) => l.slice(5).replace(/-[0-9a-f]{10}$/, '-H'));
    assert.deepEqual(live, ['v1.ConfigMap.default.a-sh-H', 'v1.ConfigMap.default.b-sh-H', 'v1.ConfigMap.default.c-sh-H', 'v1.Pod.default.a-sh-H', 'v1.Pod.default.b-sh-H', 'v1.Pod.default.c-sh-H']);
    assert.deepEqual(lines.filter((l) => l.startsWith('merged:')).map((l) => l.slice(7).replace(/-[0-9a-f]{10}$/, '-H')), live);
    assert.deepEqual(lines.filter((l) => l.startsWith('empty-live:')).map((l) => l.slice(11).replace(/-[0-9a-f]{10}$/, '-H')), ['v1.ConfigMap.default.c-sh-H', 'v1.Pod.default.c-sh-H']);
    assert.ok(!existsSync(args[0] ?? '') && !existsSync(args[1] ?? ''), 'both folders are removed afterwards');
    assert.equal((await cli([...DRIFT, 'a.sh', 'b.sh'], { KUBECTL_EXTERNAL_DIFF: rec, REC_EXIT: '1' })).code, 1);
    // Once applied, the real diff(1) finds nothing: exit 0.
    assert.equal((await runCli(['apply', '--kubeconfig', join(dir, 'kc'), ...DRIFT, 'a.sh', 'b.sh'], dir, { HOME: dir })).code, 0);
    const same = await cli(['--prune', 'a.sh', 'b.sh'], { KUBECTL_EXTERNAL_DIFF: 'diff -u -N' });
    assert.deepEqual([same.code, same.stdout, same.stderr], [0, '', '0 added, 0 changed, 0 pruned, 4 unchanged\n']);
    const failed = await cli([...DRIFT, 'a.sh', 'b.sh'], { KUBECTL_EXTERNAL_DIFF: rec, REC_EXIT: '3' });
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /error: the KUBECTL_EXTERNAL_DIFF program ".*rec\.sh" failed with exit status 3\n {2}hint: /);
    const missing = await cli([...DRIFT, 'a.sh', 'b.sh'], { KUBECTL_EXTERNAL_DIFF: 'no-such-diff-program -u' });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot run the KUBECTL_EXTERNAL_DIFF program "no-such-diff-program": ENOENT/);
    const spaced = await cli([...DRIFT, 'a.sh', 'b.sh'], { KUBECTL_EXTERNAL_DIFF: ` ${rec}` });
    assert.equal(spaced.code, 2);
    assert.match(spaced.stderr, /KUBECTL_EXTERNAL_DIFF starts with a space/);
  });

  it('Ctrl-C while the program runs: it and what it started are ended (one that ignores SIGTERM is killed), its folders removed, exit 130', async () => {
    const stubborn = join(dir, 'stubborn.sh');
    writeFileSync(stubborn, '#!/bin/sh\ntrap "" TERM INT\nsleep 60 &\necho $! > "$STUBBORN_PID.child"\necho $$ > "$STUBBORN_PID"\nexec sleep 60\n');
    chmodSync(stubborn, 0o755);
    const pidFile = join(dir, 'stubborn.pid');
    const stop = new AbortController();
    const started = Date.now();
    const waiting = cli([...DRIFT, 'a.sh', 'c.sh'], { KUBECTL_EXTERNAL_DIFF: stubborn, STUBBORN_PID: pidFile }, stop.signal);
    while (!existsSync(pidFile) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 50));
    stop.abort('SIGINT');
    const r = await waiting;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(Date.now() - started < 30_000, 'it did not wait for the program\'s own 60 s');
    assert.deepEqual(readdirSync(join(dir, 'tmp')).filter((f) => /^(LIVE|MERGED)-/.test(f)), []);
    for (const f of [pidFile, `${pidFile}.child`]) {
      const pid = Number(readFileSync(f, 'utf8'));
      // Gone, or dead and waiting for its new parent (pid 1) to reap it.
      const alive = (): boolean => {
        try {
          return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 40 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(!alive(), `${f}: the process still runs`);
    }
  });

  it('a program that ends but leaves a process holding its output: the diff ends with it, not with that process', async () => {
    const leaves = join(dir, 'leaves.sh');
    writeFileSync(leaves, '#!/bin/sh\nsleep 60 &\necho $! > "$LEFT_PID"\necho "only this"\nexit 1\n');
    chmodSync(leaves, 0o755);
    const pidFile = join(dir, 'left.pid');
    const started = Date.now();
    const r = await cli([...DRIFT, 'a.sh', 'c.sh'], { KUBECTL_EXTERNAL_DIFF: leaves, LEFT_PID: pidFile });
    try {
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /only this/);
      assert.ok(Date.now() - started < 30_000, 'it did not wait for the 60 s sleep');
      assert.deepEqual(readdirSync(join(dir, 'tmp')).filter((f) => /^(LIVE|MERGED)-/.test(f)), []);
    } finally {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    }
  });

  it('the built CLI colours on a real terminal (script(1) gives it one), not through a pipe, not with NO_COLOR', { skip: spawnSync('script', ['--version']).status === 0 ? false : 'no script(1)' }, async () => {
    // Asynchronous: the fake API server answers from this process.
    const run = (argv: string[], env: Record<string, string> = {}) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const p = spawn(argv[0] as string, argv.slice(1), { cwd: dir, env: { PATH, HOME: dir, TERM: 'xterm', ...env } });
        let stdout = '';
        p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        p.on('close', (code) => resolve({ code, stdout }));
      });
    tamper();
    const nixpod = [process.execPath, BIN, 'diff', '--kubeconfig', 'kc', ...DRIFT, 'a.sh', 'b.sh'];
    const tty = await run(['script', '-qec', nixpod.join(' '), '/dev/null']);
    assert.equal(tty.code, 1, tty.stdout);
    assert.match(tty.stdout, /\x1b\[33mchanged\x1b\[m/);
    assert.doesNotMatch((await run(['script', '-qec', nixpod.join(' '), '/dev/null'], { NO_COLOR: '1' })).stdout, /\x1b\[/);
    const piped = await run(nixpod);
    assert.equal(piped.code, 1);
    assert.match(piped.stdout, /^changed configmap\//m);
    assert.doesNotMatch(piped.stdout, /\x1b\[/);
  });

  it('parses KUBECTL_EXTERNAL_DIFF as kubectl does (single spaces, flag-like words only)', () => {
    assert.deepEqual(parseExternalDiff('colordiff -u -N'), { program: 'colordiff', args: ['-u', '-N'], ignored: [] });
    assert.deepEqual(parseExternalDiff('diff\t-u'), { program: 'diff\t-u', args: [], ignored: [] }, 'a tab does not split');
    assert.deepEqual(parseExternalDiff('meld --a=b x/y $HOME'), { program: 'meld', args: ['--a=b'], ignored: ['x/y', '$HOME'] });
  });
});
