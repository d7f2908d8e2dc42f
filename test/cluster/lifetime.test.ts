import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { spawnNixpod } from '../helpers/spawn.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

/** Cancellation and cleanup, end to end: signals, a closed stdout, --timeout, a forbidden delete. */
describe('the lifetime of cluster work (real processes)', () => {
  let fake: FakeKube;
  let dir: string;
  const files: Record<string, string> = {};
  for (const n of ['long', 'chatty', 'quick']) files[`${n}.sh`] = script('#! nix-shell -i bash -p jq', `echo ${n}\n`);
  for (let i = 0; i < 40; i++) files[`many/m${i}.sh`] = script('#! nix-shell -i bash -p jq', `echo ${i}\n`);

  before(async () => {
    fake = await new FakeKube({
      users: { admin: { name: 'admin' } },
      kubelet: (pod) => {
        const text = JSON.stringify(pod);
        if (text.includes('chatty')) return { lines: Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`), exitCode: 0, runMs: 600_000 };
        if (text.includes('long')) return { lines: ['working'], exitCode: 0, runMs: 600_000 };
        return { lines: ['done'], exitCode: 0 };
      },
    }).start();
    dir = tempTree(files);
    writeFileSync(join(dir, 'kc'), fake.kubeconfig('admin'));
  });
  after(() => fake.close());

  const podName = (stderr: string) => /pod\/(\S+) started/.exec(stderr)?.[1] ?? '';
  const gone = (name: string) => fake.get('pods', 'default', name) === undefined && fake.get('configmaps', 'default', name) === undefined;

  for (const [sig, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`run: ${sig} deletes the ConfigMap and the Pod and exits ${code}`, { timeout: 30_000 }, async () => {
      let sent = false;
      const r = await spawnNixpod(['run', '--kubeconfig', 'kc', 'long.sh'], dir, {
        onStderr: (all, kill) => {
          if (!sent && all.includes('started')) {
            sent = true;
            setTimeout(() => kill(sig), 300);
          }
        },
      });
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, new RegExp(`\\(${sig}\\): deleting pod/`));
      assert.ok(podName(r.stderr) !== '' && gone(podName(r.stderr)), 'both objects deleted');
      assert.doesNotMatch(r.stderr, /internal error|at .*\.m?js:\d+/);
    });
  }

  it('run: a stdout that cannot be written (a full disk) stops the run at once, cleans up, and says so (exit 2)', { timeout: 30_000 }, async () => {
    const t0 = Date.now();
    const r = await spawnNixpod(['run', '--kubeconfig', 'kc', 'long.sh'], dir, { stdoutTo: '/dev/full' });
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms: the Pod runs for 10 minutes`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /nixpod: stdout cannot be written: deleting pod\/\S+ and configmap\//);
    assert.match(r.stderr, /cannot write to stdout.*ENOSPC/);
    assert.ok(podName(r.stderr) !== '' && gone(podName(r.stderr)), 'both objects deleted');
  });

  it('run: a second Ctrl-C while it cleans up exits at once, and still says what may be left behind', { timeout: 30_000 }, async () => {
    fake.faults.push({ match: (x) => x.method === 'DELETE', times: 10, kind: 'latency', ms: 8000 });
    let sent = 0;
    const r = await spawnNixpod(['run', '--kubeconfig', 'kc', 'long.sh'], dir, {
      onStderr: (all, kill) => {
        if (sent === 0 && all.includes('started')) {
          sent = 1;
          setTimeout(() => kill('SIGINT'), 300);
        }
        if (sent === 1 && all.includes(': deleting ')) {
          sent = 2;
          setTimeout(() => kill('SIGINT'), 300);
        }
      },
    });
    fake.faults.length = 0;
    assert.equal(r.code, 130, r.stderr);
    const name = podName(r.stderr);
    assert.match(r.stderr, new RegExp(`nixpod: error: stopped while cleaning up: pod/${name} and configmap/${name} may be left behind in namespace default\n {2}hint: check and delete them yourself: kubectl delete -n default pod/${name} configmap/${name}\n$`));
  });

  it('run: stdout\'s reader going away stops the stream, cleans up, exit 141', { timeout: 30_000 }, async () => {
    const r = await spawnNixpod(['run', '--kubeconfig', 'kc', 'chatty.sh'], dir, { closeStdoutAfter: 1 });
    assert.equal(r.code, 141, r.stderr);
    assert.ok(podName(r.stderr) !== '' && gone(podName(r.stderr)), 'both objects deleted');
    assert.match(r.stderr, /stdout's reader went away: deleting/);
    assert.doesNotMatch(r.stderr, /EPIPE|internal error/);
  });

  it('apply --logs: with stdout closed early, every object is still applied and waited for; exit 141, no trace or warning', { timeout: 30_000 }, async () => {
    writeFileSync(join(dir, 'kc-many'), fake.kubeconfig('admin', 'closed'));
    const r = await spawnNixpod(['apply', '--kubeconfig', 'kc-many', '--create-namespace', '--logs', 'many'], dir, { closeStdoutAfter: 1 });
    assert.equal(r.code, 141, r.stderr);
    assert.equal(fake.list('configmaps', 'closed').length, 40);
    assert.equal(fake.list('pods', 'closed').length, 40);
    assert.equal((r.stderr.match(/^pod\/\S+ \(many\/m\d+\.sh\) succeeded$/gm) ?? []).length, 40, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|internal error|Warning/);
  });

  it('apply: SIGINT cancels the requests in flight at once, says so once, exit 130', { timeout: 30_000 }, async () => {
    fake.faults.push({ match: (x) => x.method === 'PATCH', times: 100, kind: 'latency', ms: 5000 });
    writeFileSync(join(dir, 'kc-slow'), fake.kubeconfig('admin', 'slow'));
    const r = await spawnNixpod(['apply', '--kubeconfig', 'kc-slow', '--create-namespace', 'many'], dir, { signalAfter: { signal: 'SIGINT', ms: 1500 } });
    fake.faults.length = 0;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.closedAt - r.signalledAt < 2000, `took ${r.closedAt - r.signalledAt} ms after the signal`);
    assert.equal((r.stderr.match(/nixpod: error: interrupted \(SIGINT\): stopped before everything was applied/g) ?? []).length, 1, r.stderr);
    assert.match(r.stderr, /^\d+ not applied$/m);
  });

  it('apply: SIGINT or --timeout before the first object (the server does not answer the first list) says so, with every object not applied', { timeout: 40_000 }, async () => {
    writeFileSync(join(dir, 'kc-stuck'), fake.kubeconfig('admin', 'stuck'));
    for (const [args, code, said] of [
      [['--prune'], 130, 'interrupted (SIGINT)'],
      [[], 130, 'interrupted (SIGINT)'],
      [['--timeout', '1s'], 3, 'the --timeout passed'],
    ] as const) {
      fake.faults.push({ match: (x) => x.method === 'GET', times: 1000, kind: 'latency', ms: 20_000 });
      const r = await spawnNixpod(['apply', '--kubeconfig', 'kc-stuck', ...args, 'many'], dir, code === 130 ? { signalAfter: { signal: 'SIGINT', ms: 1500 } } : {});
      fake.faults.length = 0;
      assert.equal(r.code, code, r.stderr);
      assert.deepEqual(r.stderr.split('\n').filter((l) => l.startsWith('nixpod: error:')), [`nixpod: error: ${said}: stopped before everything was applied`], r.stderr);
      assert.match(r.stderr, /^80 not applied$/m, args.join(' '));
    }
    assert.equal(fake.list('configmaps', 'stuck').length, 0);
  });

  it('apply --wait: SIGINT ends the wait without calling the Pods timed out', { timeout: 30_000 }, async () => {
    const r = await spawnNixpod(['apply', '--kubeconfig', 'kc', '--wait', 'long.sh'], dir, { signalAfter: { signal: 'SIGINT', ms: 1500 } });
    assert.equal(r.code, 130, r.stderr);
    assert.doesNotMatch(r.stderr, /did not finish|at the timeout/);
  });

  it('run: --timeout ends a Pod that never ends, and cleans up', { timeout: 30_000 }, async () => {
    const t0 = Date.now();
    const r = await spawnNixpod(['run', '--kubeconfig', 'kc', '--timeout', '2s', 'long.sh'], dir);
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /did not finish within --timeout \(still Running\)/);
    assert.ok(gone(podName(r.stderr)));
  });

  it('run: a delete that is refused is an error naming what was left behind (exit 3, though the script succeeded)', async () => {
    fake.faults.push({ match: (x) => x.method === 'DELETE' && x.path.includes('/pods/'), times: 1, kind: 'reject', status: 403, reason: 'Forbidden', message: 'pods "x" is forbidden: User "admin" cannot delete resource "pods" in API group "" in the namespace "default"' });
    const r = await runCli(['run', '--kubeconfig', join(dir, 'kc'), 'quick.sh'], dir, { HOME: dir });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'done\n');
    const name = podName(r.stderr);
    assert.match(r.stderr, new RegExp(`nixpod: error: could not clean up: pod/${name} left behind in namespace default: .*cannot delete resource "pods"`));
    assert.match(r.stderr, new RegExp(`hint: delete them yourself: kubectl delete -n default pod/${name}`));
    assert.equal(fake.get('configmaps', 'default', name), undefined, 'what could be deleted was');
    fake.deleteObject('pods', 'default', name);
  });

  it('run: a log stream reset mid-way neither kills the process nor leaves objects', async () => {
    fake.faults.push({ match: (x) => x.path.endsWith('/log'), times: 1, kind: 'reset' });
    const r = await runCli(['run', '--kubeconfig', join(dir, 'kc'), 'quick.sh'], dir, { HOME: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'done\n');
    assert.ok(gone(podName(r.stderr)));
  });
});
