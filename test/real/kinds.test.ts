import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { writeKindTemplates } from '../helpers/kind-templates.js';
import { finishedJob, finishedStatus, getJson, kubectl, kubectlOk, kubeSkip, newNamespace, realKube, scheduleCronJob, setJobStatus, setPodStatus, startJobPod, type RealKube } from '../helpers/real-kube.js';

type Item = { metadata: { name: string; uid: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pods, Jobs and CronJobs on a real kube-apiserver; the tests play the kubelet and the Job and CronJob controllers (nothing else is simulated). */
describe('real kube-apiserver: Jobs and CronJobs', { skip: kubeSkip }, () => {
  let k: RealKube;
  let dir: string;
  before(() => {
    k = realKube();
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq'), 'b.sh': script('#! nix-shell -i bash -p curl') });
    for (const kind of ['job', 'cronjob', 'stableJob'] as const) writeKindTemplates(join(dir, `t-${kind}`), kind);
  });
  const nixpod = (ns: string, ...args: string[]) => runCli([args[0] as string, '--kubeconfig', k.kubeconfig, '-n', ns, ...args.slice(1)], dir, { HOME: dir });
  const names = (ns: string, what: string) => getJson<{ items: Item[] }>(k.kubeconfig, ['-n', ns, what]).items.map((i) => i.metadata.name).sort();
  const edit = (file: string, body: string) => writeFileSync(join(dir, file), script('#! nix-shell -i bash -p jq', body));
  async function appear(ns: string, what: string, pick: (i: Item) => boolean = () => true): Promise<Item> {
    for (let i = 0; i < 150; i++) {
      const found = getJson<{ items: Item[] }>(k.kubeconfig, ['-n', ns, what]).items.find(pick);
      if (found) return found;
      await sleep(200);
    }
    throw new Error(`no ${what} appeared in ${ns}`);
  }

  for (const kind of ['pod', 'job', 'cronjob'] as const) {
    it(`${kind}: apply, re-apply unchanged, diff 0 then 1 after a change, prune the old generation`, async () => {
      const ns = newNamespace(k.kubeconfig);
      const t = kind === 'pod' ? [] : ['--templates', `t-${kind}`];
      const file = `${kind}.sh`;
      edit(file, 'echo one\n');
      const first = await nixpod(ns, 'apply', '--prune', ...t, file);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, new RegExp(`^${kind}/${kind}-sh(-[0-9a-f]{10})? created$`, 'm'));
      const again = await nixpod(ns, 'apply', '--prune', ...t, file);
      assert.equal((again.stdout.match(/ unchanged$/gm) ?? []).length, 2, again.stdout + again.stderr);
      assert.equal((await nixpod(ns, 'diff', '--prune', ...t, file)).code, 0);
      edit(file, 'echo two\n');
      const d = await nixpod(ns, 'diff', '--prune', ...t, file);
      assert.equal(d.code, 1, d.stderr);
      const applied = await nixpod(ns, 'apply', '--prune', ...t, file);
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /^configmap\/\S+ deleted$/m);
      const plural = `${kind}s`;
      assert.equal(names(ns, plural).length, 1, `one ${kind} left`);
      if (kind === 'cronjob') assert.match(applied.stdout, /^cronjob\/cronjob-sh configured$/m, 'the CronJob is changed in place');
      else assert.match(applied.stdout, new RegExp(`^${kind}/${kind}-sh-\\S+ deleted$`, 'm'));
      const cms = names(ns, 'configmaps').filter((n) => n.startsWith(`${kind}-sh`));
      assert.equal(cms.length, 1, cms.join(','));
      const parent = getJson<{ metadata: { annotations: Record<string, string> } }>(k.kubeconfig, ['-n', ns, 'configmap', 'nixpod']);
      assert.equal(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds'], 'ConfigMap,CronJob.batch,Job.batch,Pod');
    });
  }

  it("a changed CronJob keeps the old ConfigMap while yesterday's Job runs, and the next apply prunes it once the Job is Complete", async () => {
    const ns = newNamespace(k.kubeconfig);
    edit('nightly.sh', 'echo v1\n');
    assert.equal((await nixpod(ns, 'apply', '--prune', '--templates', 't-cronjob', 'nightly.sh')).code, 0);
    const [oldCm] = names(ns, 'configmaps').filter((n) => n.startsWith('nightly-sh-'));
    const job = scheduleCronJob(k.kubeconfig, ns, 'nightly-sh');
    const pod = startJobPod(k.kubeconfig, ns, job);
    setPodStatus(k.kubeconfig, ns, pod, { phase: 'Running' });
    edit('nightly.sh', 'echo v2\n');
    const r = await nixpod(ns, 'apply', '--prune', '--templates', 't-cronjob', 'nightly.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^cronjob\/nightly-sh configured$/m);
    assert.match(r.stdout, new RegExp(`^configmap/${oldCm} kept: still mounted by pod/${pod} \\(running\\), job/${job} \\(running\\)$`, 'm'));
    assert.match(r.stderr, new RegExp(`1 configmap kept: still mounted by pod/${pod} \\(running\\), job/${job} \\(running\\) \\(a later --prune deletes it once done\\)`));
    assert.ok(names(ns, 'configmaps').includes(oldCm ?? ''));
    assert.ok(names(ns, 'jobs').includes(job), "the CronJob's Job is not a member: never pruned");
    const d = await nixpod(ns, 'diff', '--prune', '--templates', 't-cronjob', 'nightly.sh');
    assert.equal(d.code, 0, `diff --prune shows no deletion of a ConfigMap that would be kept: ${d.stdout}`);
    setPodStatus(k.kubeconfig, ns, pod, finishedStatus(0));
    setJobStatus(k.kubeconfig, ns, job, finishedJob('Complete'));
    const later = await nixpod(ns, 'apply', '--prune', '--templates', 't-cronjob', 'nightly.sh');
    assert.equal(later.code, 0, later.stderr);
    assert.match(later.stdout, new RegExp(`^configmap/${oldCm} deleted$`, 'm'));
    assert.doesNotMatch(later.stderr, /kept/);
  });

  it('--wait follows a Job through Complete, and through Failed with the reason and the exit code (exit 1)', async () => {
    const ns = newNamespace(k.kubeconfig);
    const ok = nixpod(ns, 'apply', '--wait', '--timeout', '60s', '--templates', 't-job', 'a.sh');
    const job = (await appear(ns, 'jobs')).metadata.name;
    setPodStatus(k.kubeconfig, ns, startJobPod(k.kubeconfig, ns, job), finishedStatus(0));
    setJobStatus(k.kubeconfig, ns, job, finishedJob('Complete'));
    const done = await ok;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, new RegExp(`^job/${job} \\(a\\.sh\\) succeeded$`, 'm'));
    const bad = nixpod(ns, 'apply', '--wait', '--timeout', '60s', '--templates', 't-job', 'b.sh');
    const failing = (await appear(ns, 'jobs', (i) => i.metadata.name.startsWith('b-sh'))).metadata.name;
    setPodStatus(k.kubeconfig, ns, startJobPod(k.kubeconfig, ns, failing), finishedStatus(3));
    setJobStatus(k.kubeconfig, ns, failing, finishedJob({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }));
    const r = await bad;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^job/${failing} \\(b\\.sh\\) failed: BackoffLimitExceeded: Job has reached the specified backoff limit; the script exited with code 3$`, 'm'));
  });

  it('--wait and --logs on a CronJob are refused before anything is applied, pointing to run', async () => {
    const ns = newNamespace(k.kubeconfig);
    for (const flag of ['--wait', '--logs']) {
      const r = await nixpod(ns, 'apply', flag, '--templates', 't-cronjob', 'a.sh');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`a\\.sh: ${flag} cannot follow cronjob/a-sh: a CronJob runs on its schedule`));
      assert.match(r.stderr, /hint: run it once now and follow it with: nixpod run a\.sh/);
    }
    assert.deepEqual(names(ns, 'configmaps').filter((n) => n !== 'kube-root-ca.crt'), []);
  });

  for (const [how, args, cronName] of [['--templates', ['--templates', 't-cronjob', 'a.sh'], 'a-sh'], ['the built-in templates', ['cron.sh'], 'cron-sh']] as const) {
    it(`run of a cronjob script (${how}): one Job from the job template, owned by the CronJob, the script's exit code, its own objects cleaned up`, async () => {
      writeFileSync(join(dir, 'cron.sh'), script('#! nix-shell -i bash -p jq\n#! nixpod kind=cronjob schedule=@daily'));
      const ns = newNamespace(k.kubeconfig);
      assert.equal((await nixpod(ns, 'apply', ...args)).code, 0);
      const cron = getJson<Item>(k.kubeconfig, ['-n', ns, 'cronjob', cronName]);
      const before = names(ns, 'configmaps');
      const running = nixpod(ns, 'run', ...args);
      const job = await appear(ns, 'jobs');
      assert.equal(job.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
      assert.deepEqual(job.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]), [['CronJob', cronName, cron.metadata.uid, true]]);
      setPodStatus(k.kubeconfig, ns, startJobPod(k.kubeconfig, ns, job.metadata.name), finishedStatus(4));
      setJobStatus(k.kubeconfig, ns, job.metadata.name, finishedJob({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }));
      const r = await running;
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, new RegExp(`job/${job.metadata.name} started in namespace ${ns}`));
      assert.deepEqual(names(ns, 'jobs'), []);
      assert.deepEqual(names(ns, 'pods'), []);
      assert.deepEqual(names(ns, 'configmaps'), before, "the run's ConfigMap is gone, the CronJob's stays");
      assert.equal(kubectl(k.kubeconfig, ['-n', ns, 'get', 'cronjob', cronName]).code, 0);
    });
  }

  it('apply --prune reports nixpod objects applied without --prune, leaves them, and its kubectl line deletes them', async () => {
    const ns = newNamespace(k.kubeconfig);
    assert.equal((await nixpod(ns, 'apply', 'a.sh')).code, 0);
    assert.equal((await nixpod(ns, 'apply', '--templates', 't-job', 'b.sh')).code, 0);
    const r = await nixpod(ns, 'apply', '--prune', 'b.sh');
    assert.equal(r.code, 0, r.stderr);
    const warn = /nixpod: warning: (\d+) nixpod objects in namespace \S+ belong to no ApplySet \(applied without --prune\), left alone: (.*)\n {2}hint: .*apply its script with --prune.*; to delete them: (kubectl delete -n \S+ .*)$/m.exec(r.stderr);
    assert.ok(warn, r.stderr);
    assert.equal(warn[1], '4');
    assert.match(warn[2] ?? '', /job\/b-sh-\S+, configmap\/a-sh-\S+, configmap\/b-sh-\S+|configmap/);
    assert.equal(names(ns, 'jobs').length, 1, 'left alone');
    kubectlOk(k.kubeconfig, (warn[3] ?? '').split(' ').slice(1));
    const again = await nixpod(ns, 'apply', '--prune', 'b.sh');
    assert.doesNotMatch(again.stderr, /warning/);
  });

  it("a Job whose name does not change with its content cannot be updated: explained, and --replace is for Pods only", async () => {
    const ns = newNamespace(k.kubeconfig);
    edit('stable.sh', 'echo one\n');
    assert.equal((await nixpod(ns, 'apply', '--templates', 't-stableJob', 'stable.sh')).code, 0);
    edit('stable.sh', 'echo two\n');
    for (const extra of [[], ['--replace']]) {
      const r = await nixpod(ns, 'apply', ...extra, '--templates', 't-stableJob', 'stable.sh');
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /job\/stable-sh: the Job already exists with a different template, and a Job's template cannot change\n {2}hint: give a changed Job a new name .*; --replace is for Pods only/);
    }
  });
});
