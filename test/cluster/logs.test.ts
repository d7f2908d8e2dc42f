import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { connect } from '../../src/cluster/config.js';
import { Api } from '../../src/cluster/http.js';
import { followLog, LogCursor } from '../../src/cluster/logs.js';
import { newestEvents, waitForPods } from '../../src/cluster/pods.js';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

const LINES = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);

/** Followed logs are supervised: a dropped stream is resumed from where it got to, nothing lost, nothing repeated. */
describe('log streams', () => {
  let fake: FakeKube;
  let dir: string;
  let kc: string;
  const logs = (...args: string[]) => runCli(['apply', '--kubeconfig', kc, '--logs', ...args], dir, { HOME: dir });
  const logReq = (r: { method: string; path: string }) => r.path.endsWith('/log');
  const printed = (stdout: string, script = 'a.sh') => stdout.split('\n').filter((l) => l.startsWith(`[${script}] `)).map((l) => l.slice(script.length + 3));

  before(async () => {
    fake = await new FakeKube({
      users: { admin: { name: 'admin' } },
      kubelet: (pod) => {
        const text = JSON.stringify(pod);
        if (text.includes('forever')) return { lines: ['tick'], exitCode: 0, runMs: 600_000 };
        if (text.includes('many')) return { lines: ['start'], exitCode: 0, runMs: 2500 };
        return { lines: LINES, exitCode: 0, runMs: 600, lineEveryMs: 20, sameStamp: text.includes('same') };
      },
    }).start();
  });
  after(() => fake.close());
  beforeEach((t) => {
    // A script of its own per test: its own Pod.
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq', `echo ${JSON.stringify(t.name)}\n`) });
    kc = join(dir, 'kubeconfig');
    writeFileSync(kc, fake.kubeconfig('admin'));
    fake.requests.length = 0;
    fake.faults.length = 0;
  });

  for (const how of ['reset', 'end'] as const) {
    it(`a stream that drops mid-way (${how}) is resumed: every line once, in order`, { timeout: 20_000 }, async () => {
      fake.faults.push({ match: logReq, times: 1, kind: 'log-cut', afterLines: 4, how });
      const r = await logs('a.sh');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(printed(r.stdout), LINES);
      const asked = fake.requests.filter(logReq);
      assert.ok(asked.length >= 2);
      assert.ok(asked.every((x) => x.query.timestamps === 'true'));
      assert.ok(asked.at(-1)?.query.sinceTime !== undefined, `the last reconnect resumes from a time: ${JSON.stringify(asked.map((x) => x.query.sinceTime))}`);
    });
  }

  it('a stream with no bytes for the idle timeout is dropped and resumed', { timeout: 20_000 }, async () => {
    const applied = await runCli(['apply', '--kubeconfig', kc, 'a.sh'], dir, { HOME: dir });
    const name = /pod\/(\S+) created/.exec(applied.stdout)?.[1] ?? '';
    fake.faults.push({ match: logReq, times: 1, kind: 'log-cut', afterLines: 4, how: 'stall' });
    const api = new Api(await connect({ kubeconfig: kc, context: undefined, namespace: undefined }, {}), {});
    const lines: string[] = [];
    try {
      const w = await waitForPods(api, 'default', [{ script: 'a.sh', name }], { signal: AbortSignal.timeout(15_000), onLog: (_s, l) => lines.push(l), idleMs: 400 });
      assert.equal(w.outcomes[0]?.phase, 'Succeeded');
    } finally {
      api.close();
    }
    assert.deepEqual(lines, LINES);
  });

  it('lines sharing one timestamp are not repeated at the boundary', async () => {
    writeFileSync(join(dir, 'same.sh'), script('#! nix-shell -i bash -p jq', 'echo same\n'));
    fake.faults.push({ match: logReq, times: 2, kind: 'log-cut', afterLines: 5, how: 'reset' });
    const r = await logs('same.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(printed(r.stdout, 'same.sh'), LINES);
  });

  it('the log comes from the Pod\'s own container, not one named main', async () => {
    const tpl = tempTree({ 'pod.yaml.hbs': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{json name}}\n  labels: {{json labels}}\nspec:\n  restartPolicy: Never\n  containers:\n    - name: script\n      image: {{json image}}\n      command: {{json command}}\n' });
    const r = await logs('--templates', tpl, 'a.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(printed(r.stdout), LINES);
    assert.ok(fake.requests.filter(logReq).every((x) => x.query.container === 'script'));
  });

  it('--timeout ends the following of a Pod that never ends', { timeout: 20_000 }, async () => {
    writeFileSync(join(dir, 'forever.sh'), script('#! nix-shell -i bash -p jq'));
    const t0 = Date.now();
    const r = await logs('--timeout', '2s', 'forever.sh');
    assert.ok(Date.now() - t0 < 6000, `took ${Date.now() - t0} ms`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^\[forever\.sh\] tick$/m);
    assert.match(r.stderr, /pod\/forever-sh-\S+ \(forever\.sh\) did not finish \(still Running at the timeout\)/);
  });

  it('40 followed Pods do not starve the polling (streams have their own connections)', { timeout: 30_000 }, async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`many${i}.sh`] = script('#! nix-shell -i bash -p jq', `echo ${i}\n`);
    dir = tempTree(files);
    writeFileSync(kc, fake.kubeconfig('admin', 'many'));
    const r = await runCli(['apply', '--kubeconfig', kc, '--create-namespace', '--logs', '.'], dir, { HOME: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/\] start$/gm) ?? []).length, 40);
    const lastPatch = Math.max(...fake.requests.filter((x) => x.method === 'PATCH').map((x) => x.at));
    const firstLogs = new Map<string, number>();
    for (const x of fake.requests.filter(logReq)) if (!firstLogs.has(x.path)) firstLogs.set(x.path, x.at);
    assert.equal(firstLogs.size, 40);
    // Every stream began while the Pods still ran (they run 2.5 s): none waited for another to end.
    assert.ok(Math.max(...firstLogs.values()) - lastPatch < 1500, `the last stream began ${Math.max(...firstLogs.values()) - lastPatch} ms after the last apply`);
  });

  it('a container slow to start is waited for (not given up after 240 tries); a stream that keeps dropping is given up, saying so', { timeout: 20_000 }, async () => {
    const applied = await runCli(['apply', '--kubeconfig', kc, 'a.sh'], dir, { HOME: dir });
    const name = /pod\/(\S+) created/.exec(applied.stdout)?.[1] ?? '';
    const api = new Api(await connect({ kubeconfig: kc, context: undefined, namespace: undefined }, {}), {});
    const follow = async (ended: () => boolean) => {
      const lines: string[] = [];
      const notes: string[] = [];
      await followLog(api, 'default', name, { container: 'main', onLine: (l) => lines.push(l), onNote: (n) => notes.push(n), ended, signal: AbortSignal.timeout(15_000), idleMs: 5000, pauseMs: 1 });
      return { lines, notes };
    };
    try {
      const waiting = `container "main" in pod "${name}" is waiting to start: ContainerCreating`;
      fake.faults.push({ match: logReq, times: 300, kind: 'reject', status: 400, reason: 'BadRequest', message: waiting });
      let calls = 0;
      const slow = await follow(() => ++calls > 320);
      assert.deepEqual(slow.lines, LINES);
      assert.deepEqual(slow.notes, []);
      fake.faults.push({ match: logReq, times: 100, kind: 'reset' });
      const dropping = await follow(() => true);
      assert.deepEqual(dropping.lines, []);
      assert.equal(dropping.notes.length, 1);
      assert.match(dropping.notes[0] ?? '', /^gave up following the log of pod\/a-sh-\S+ \(.*\): lines may be missing \(kubectl logs -n default a-sh-/);
    } finally {
      api.close();
    }
  });
});

describe('log cursor and events', () => {
  it('resumes after the last line given out, counting lines that share its timestamp', () => {
    const c = new LogCursor();
    const t = (s: string) => `2026-11-29T10:00:0${s}Z`;
    const out = (raws: string[]) => raws.map((r) => c.take(r)).filter((x) => x !== undefined);
    assert.deepEqual(out([`${t('1.5')} a`, `${t('1.5')} b`, `${t('2')} c`, `${t('2')} d`]), ['a', 'b', 'c', 'd']);
    assert.equal(c.since, t('2'));
    c.reconnect();
    // The server resends from the second: what was given is dropped, what is new is kept.
    assert.deepEqual(out([`${t('1.5')} a`, `${t('2')} c`, `${t('2')} d`, `${t('2')} e`, `${t('2.000000001')} `]), ['e', '']);
    assert.equal(c.untimed, false);
    assert.deepEqual(out(['no stamp']), ['no stamp']);
    assert.equal(c.untimed, true);
  });

  it('the newest events are the last by time, not by list order', () => {
    const e = (reason: string, at: string, field: 'lastTimestamp' | 'eventTime' | 'firstTimestamp' = 'lastTimestamp') => ({ reason, message: reason.toLowerCase(), [field]: at });
    const items = [e('C', '2026-11-29T10:00:03Z'), e('A', '2026-11-29T10:00:01Z'), e('D', '2026-11-29T10:00:04.000000Z', 'eventTime'), e('B', '2026-11-29T10:00:02Z', 'firstTimestamp')];
    assert.deepEqual(newestEvents(items), ['B: b', 'C: c', 'D: d']);
  });
});
