import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';
import { writeKindTemplates } from '../helpers/kind-templates.js';
import { jobOutcome } from '../../src/cluster/jobs.js';
import { stillUsing } from '../../src/cluster/prune.js';

/** Jobs against the loopback server (its Job controller makes one Pod, its kubelet gives the log): what a bare API server cannot show. */
describe('Jobs: logs, kinds refused before any request', () => {
  let fake: FakeKube;
  let dir: string;
  let kc: string;
  const cli = (...args: string[]) => runCli([args[0] as string, '--kubeconfig', kc, ...args.slice(1)], dir, { HOME: dir });

  before(async () => {
    fake = await new FakeKube({
      users: { admin: { name: 'admin' } },
      kubelet: (pod) => {
        const failing = JSON.stringify(pod).includes('fails.sh');
        return { lines: ['line one', failing ? 'oops' : 'line two'], exitCode: failing ? 5 : 0 };
      },
    }).start();
  });
  after(() => fake.close());
  beforeEach(() => {
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq'), 'fails.sh': script('#! nix-shell -i bash -p jq', 'exit 5\n') });
    for (const kind of ['job', 'cronjob'] as const) writeKindTemplates(join(dir, `t-${kind}`), kind);
    kc = join(dir, 'kubeconfig');
    writeFileSync(kc, fake.kubeconfig('admin'));
    fake.requests.length = 0;
  });

  it("apply --logs follows a Job's Pod to the end, with the reason when it fails", async () => {
    const ok = await cli('apply', '--logs', '--templates', 't-job', 'a.sh');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^\[a\.sh\] line one\n\[a\.sh\] line two$/m);
    assert.match(ok.stderr, /^job\/a-sh-\S+ \(a\.sh\) succeeded$/m);
    const bad = await cli('apply', '--logs', '--templates', 't-job', 'fails.sh');
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /^\[fails\.sh\] oops$/m);
    assert.match(bad.stderr, /^job\/fails-sh-\S+ \(fails\.sh\) failed: BackoffLimitExceeded: Job has reached the specified backoff limit; the script exited with code 5$/m);
    assert.ok(fake.requests.some((r) => r.path.startsWith('/apis/batch/v1/namespaces/default/jobs/') && r.method === 'PATCH'));
  });

  it("run of a job script streams the Job's log, exits with the script's code, and deletes the Job, its Pod and ConfigMap", async () => {
    const r = await cli('run', '--templates', 't-job', 'fails.sh');
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stdout, /^line one\noops$/m);
    const deletes = fake.requests.filter((x) => x.method === 'DELETE').map((x) => `${x.path.split('/').slice(-2).join('/')} ${x.query.propagationPolicy ?? ''}`);
    assert.ok(deletes.some((d) => /^jobs\/fails-sh-\S+ Background$/.test(d)), deletes.join('\n'));
    assert.ok(deletes.some((d) => /^pods\/fails-sh-/.test(d)) && deletes.some((d) => /^configmaps\/fails-sh-/.test(d)), deletes.join('\n'));
    const name = /^job\/(\S+) started/m.exec(r.stderr)?.[1] ?? '';
    assert.equal(fake.get('jobs', 'default', name), undefined);
    assert.equal(fake.get('configmaps', 'default', name), undefined);
    assert.deepEqual(fake.list('pods', 'default').filter((p) => JSON.stringify(p).includes(`"job-name":"${name}"`)), []);
  });

  it('a template rendering an unknown kind is refused before any request', async () => {
    const t = join(dir, 't-deploy');
    writeKindTemplates(t, 'job');
    writeFileSync(join(t, 'pod.yaml.hbs'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{json name}}\n');
    for (const cmd of ['apply', 'diff', 'run']) {
      const r = await cli(cmd, '--templates', 't-deploy', 'a.sh');
      assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /a\.sh: nixpod cannot apply apps\/v1 Deployment a-sh-\S+: unknown workload kind\n {2}hint: render a v1 ConfigMap, then a v1 Pod, a batch\/v1 Job or a batch\/v1 CronJob/);
    }
    assert.deepEqual(fake.requests, []);
  });

  it('pure parts: a Job ends by its conditions; what still uses a ConfigMap', () => {
    const failedPod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'main' }] }, status: { phase: 'Failed', containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 7 } } }] } };
    const deadline = jobOutcome('s', 'j', { status: { conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }] } }, [failedPod]);
    assert.deepEqual([deadline.phase, deadline.exitCode, deadline.reason], ['Failed', 7, 'DeadlineExceeded: Job was active longer than specified deadline; the script exited with code 7']);
    // A failed Pod while the Job has not said Failed: a retry may come.
    assert.equal(jobOutcome('s', 'j', { status: { active: 0 } }, [failedPod]).phase, 'Pending');
    assert.equal(jobOutcome('s', 'j', undefined, []).phase, 'Gone');
    assert.equal(stillUsing({ kind: 'Job', status: { conditions: [{ type: 'Complete', status: 'False' }] } }), 'running');
    assert.equal(stillUsing({ kind: 'Job', status: { conditions: [{ type: 'Failed', status: 'True' }] } }), undefined);
    assert.equal(stillUsing({ kind: 'Pod', status: { phase: 'Succeeded' } }), undefined);
    assert.equal(stillUsing({ kind: 'CronJob' }), 'scheduled');
  });
});
