import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

describe('nixpod diff and nixpod run', () => {
  let fake: FakeKube;
  let dir: string;
  let kc: string;
  const cli = (...args: string[]) => runCli([args[0] as string, '--kubeconfig', kc, ...args.slice(1)], dir, { HOME: dir });

  before(async () => {
    fake = await new FakeKube({
      users: { admin: { name: 'admin' } },
      kubelet: (pod) => {
        const args = ((pod.spec as { containers: { args?: string[] }[] }).containers[0]?.args ?? []).join(' ');
        const code = /exit=(\d+)/.exec(args)?.[1];
        return { lines: [`args: ${args}`, 'bye'], exitCode: Number(code ?? 0) };
      },
    }).start();
  });
  after(() => fake.close());
  beforeEach(() => {
    dir = tempTree({ 'd1.sh': script('#! nix-shell -i bash -p jq'), 'd2.sh': script('#! nix-shell -i bash -p curl') });
    kc = join(dir, 'kubeconfig');
    writeFileSync(kc, fake.kubeconfig('admin'));
    fake.requests.length = 0;
  });

  it('diff: exit 1 with a unified diff before apply, 0 after; --prune shows what would go; nothing is stored', async () => {
    const before1 = await cli('diff', 'd1.sh');
    assert.equal(before1.code, 1, before1.stderr);
    assert.match(before1.stdout, /^added configmap\/d1-sh-\S+ \(\+\d+\)\ndiff -u -N live\/v1\.ConfigMap\.default\.d1-sh-\S+ merged\/v1\.ConfigMap\.default\.d1-sh-\S+\n--- live\/v1\.ConfigMap\.default\.d1-sh-\S+\n\+\+\+ merged\/v1\.ConfigMap\.default\.d1-sh-\S+\n@@ -0,0 \+1,\d+ @@\n\+apiVersion: v1\n/);
    assert.ok(fake.requests.filter((r) => r.method === 'PATCH').every((r) => r.query.dryRun === 'All'));
    assert.equal(fake.list('configmaps', 'default').length, 0);
    assert.equal((await cli('apply', '--prune', 'd1.sh', 'd2.sh')).code, 0);
    const same = await cli('diff', '--prune', 'd1.sh', 'd2.sh');
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.equal(same.stdout, '');
    const gone = await cli('diff', '--prune', 'd1.sh');
    assert.equal(gone.code, 1);
    assert.match(gone.stdout, /^diff -u -N live\/v1\.Pod\.default\.d2-sh-\S+ merged\/v1\.Pod\.default\.d2-sh-\S+$/m);
    assert.match(gone.stdout, /^@@ -1,\d+ \+0,0 @@$/m);
  });

  it('run: passes the arguments, streams the log, exits with the script code, then deletes both objects', async () => {
    const ok = await cli('run', 'd1.sh', '--', 'hello', 'a b');
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.equal(ok.stdout, 'args: hello a b\nbye\n');
    const created = fake.requests.find((r) => r.method === 'PATCH' && r.path.includes('/pods/'));
    assert.deepEqual(JSON.parse(created?.body ?? '{}').spec.containers[0].args, ['hello', 'a b']);
    const name = /pod\/(\S+) started/.exec(ok.stderr)?.[1] ?? '';
    assert.match(name, /^d1-sh-[0-9a-f]{10}-[0-9a-f]{5}$/);
    assert.equal(fake.get('pods', 'default', name), undefined);
    assert.equal(fake.get('configmaps', 'default', name), undefined);
    const failed = await cli('run', 'd1.sh', '--', 'exit=3');
    assert.equal(failed.code, 3);
    assert.match(failed.stderr, /failed: the script exited with code 3/);
  });

  it('apply -o json prints one document for machines', async () => {
    const r = await cli('apply', '-o', 'json', 'd1.sh');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { items: { kind: string; name: string; action: string; namespace: string }[]; summary: Record<string, number> };
    assert.deepEqual(doc.items.map((i) => i.kind), ['ConfigMap', 'Pod']);
    assert.ok(doc.items.every((i) => i.namespace === 'default' && /^d1-sh-/.test(i.name)));
    assert.equal(Object.values(doc.summary).reduce((a, b) => a + b, 0), 2);
  });

  it('run --keep keeps the objects', async () => {
    const r = await cli('run', '--keep', 'd2.sh');
    assert.equal(r.code, 0, r.stderr);
    const name = /kept configmap\/(\S+)/.exec(r.stderr)?.[1] ?? '';
    assert.ok(fake.get('configmaps', 'default', name) && fake.get('pods', 'default', name));
    rmSync(join(dir, 'd2.sh'));
  });
});

describe('why Pods fail or are stuck, and admission', () => {
  it('reads the reasons from the Pod status', async () => {
    const { podOutcome } = await import('../../src/cluster/pods.js');
    const waiting = (reason: string, message = '') => ({ status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason, message } } }] } });
    assert.equal(podOutcome('s', 'p', waiting('ImagePullBackOff', 'Back-off pulling image "nixos/nix:nope"')).reason, 'ImagePullBackOff: Back-off pulling image "nixos/nix:nope"');
    assert.equal(podOutcome('s', 'p', waiting('CreateContainerConfigError')).reason, 'CreateContainerConfigError');
    assert.equal(podOutcome('s', 'p', waiting('ContainerCreating')).reason, null);
    assert.equal(podOutcome('s', 'p', { status: { phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] } }).reason, 'OOMKilled: the script ran out of memory');
    assert.equal(podOutcome('s', 'p', { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] } }).reason, 'Unschedulable: 0/3 nodes are available');
    assert.match(podOutcome('s', 'p', { status: { phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' } }).reason ?? '', /^DeadlineExceeded: /);
    assert.match(podOutcome('s', 'p', { status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' } }).reason ?? '', /^Evicted: /);
    assert.equal(podOutcome('s', 'p', undefined).phase, 'Gone');
  });

  it('a Pod Security rejection says the image runs as root; 422 names the fields', async () => {
    const fake = await new FakeKube({ users: { admin: { name: 'admin' } }, kubelet: () => null }).start();
    try {
      const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
      writeFileSync(join(dir, 'kc'), fake.kubeconfig('admin'));
      fake.faults.push({ match: (r) => r.method === 'PATCH' && r.path.includes('/pods/'), times: 1, kind: 'reject', status: 403, reason: 'Forbidden', message: 'pods "a" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true' });
      const r = await runCli(['apply', '--kubeconfig', join(dir, 'kc'), 'a.sh'], dir, { HOME: dir });
      assert.equal(r.code, 3);
      assert.match(r.stderr, /rejected by admission: .*violates PodSecurity.*\n {2}hint: the nixos\/nix image runs as root/);
      const tpl = tempTree({ 'configmap.yaml.hbs': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Name\n' });
      const bad = await runCli(['apply', '--kubeconfig', join(dir, 'kc'), '--templates', tpl, 'a.sh'], dir, { HOME: dir });
      assert.equal(bad.code, 3);
      assert.match(bad.stderr, /ConfigMap "Not_A_Name" is invalid: metadata\.name: .*\n {2}hint: fix metadata\.name/);
    } finally {
      await fake.close();
    }
  });

  it('run: Ctrl-C deletes what was created and exits 130', async () => {
    const fake = await new FakeKube({ users: { admin: { name: 'admin' } }, kubelet: () => ({ lines: ['working'], exitCode: 0, runMs: 60_000 }) }).start();
    try {
      const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
      writeFileSync(join(dir, 'kc'), fake.kubeconfig('admin'));
      const { spawn } = await import('node:child_process');
      const { BIN } = await import('../helpers/cli.js');
      const p = spawn(process.execPath, [BIN, 'run', '--kubeconfig', 'kc', 'a.sh'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir } });
      let err = '';
      p.stderr.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        if (d.includes('started')) setTimeout(() => p.kill('SIGINT'), 300);
      });
      const code = await new Promise<number | null>((res) => p.on('exit', res));
      assert.equal(code, 130, err);
      const name = /pod\/(\S+) started/.exec(err)?.[1] ?? '';
      assert.equal(fake.get('pods', 'default', name), undefined);
      assert.equal(fake.get('configmaps', 'default', name), undefined);
    } finally {
      await fake.close();
    }
  });
});
