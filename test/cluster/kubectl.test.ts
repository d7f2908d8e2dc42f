import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeKube } from '../helpers/fake-kube/server.js';

/**
 * The loopback API server's fidelity, shown by the real kubectl: every
 * operation nixpod uses gives what a real cluster gives.
 */
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = hasKubectl || process.env.NIXPOD_REQUIRE_KUBECTL ? false : 'kubectl is not installed';

describe('the fake API server, through the real kubectl', { skip }, () => {
  let fake: FakeKube;
  let dir: string;
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  // Asynchronous: the server runs in this process.
  const kubectl = (token: string, ...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const kc = file(`kc-${token}`, fake.kubeconfig(token));
      execFile('kubectl', ['--kubeconfig', kc, ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir } }, (e, stdout, stderr) => resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr }));
    });
  const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndata:\n  run.sh: |\n    ${value}\n`;
  const pod = (cmd: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: job-1\nspec:\n  restartPolicy: Never\n  containers:\n  - name: main\n    image: nixos/nix:2.29.0\n    command: ["${cmd}"]\n`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nixpod-kubectl-'));
    fake = await new FakeKube({ users: { admin: { name: 'admin' }, view: { name: 'viewer', verbs: ['get', 'list', 'watch'] } }, kubelet: () => ({ lines: ['hello from the pod', 'done'], exitCode: 0 }) }).start();
  });
  after(() => fake.close());

  it('apply --server-side creates, and a second apply changes nothing (same resourceVersion)', async () => {
    const f = file('cm.yaml', cm('echo hi'));
    assert.match((await kubectl('admin', 'apply', '--server-side', '-f', f)).stdout, /configmap\/demo serverside-applied/);
    const rv = fake.get('configmaps', 'default', 'demo')?.metadata;
    assert.equal((await kubectl('admin', 'apply', '--server-side', '-f', f)).code, 0);
    assert.deepEqual(fake.get('configmaps', 'default', 'demo')?.metadata, rv);
    const patch = fake.requests.filter((r) => r.method === 'PATCH' && r.path === '/api/v1/namespaces/default/configmaps/demo');
    assert.equal(patch[0]?.contentType, 'application/apply-patch+yaml');
    assert.equal(patch[0]?.query.fieldManager, 'kubectl');
    assert.deepEqual(patch.map((r) => r.status), [201, 200]);
  });
  it('get -o yaml prints the object as a real server stores it', async () => {
    const r = await kubectl('admin', 'get', 'cm', 'demo', '-o', 'yaml');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^apiVersion: v1\ndata:\n {2}run\.sh: \|\n {4}echo hi\nkind: ConfigMap\nmetadata:\n {2}creationTimestamp: "[^"]+"\n {2}name: demo\n {2}namespace: default\n {2}resourceVersion: "\d+"\n {2}uid: [0-9a-f-]+\n$/);
  });
  it('diff --server-side: exit 0 without changes, 1 and a unified diff with', async () => {
    assert.equal((await kubectl('admin', 'diff', '--server-side', '-f', file('same.yaml', cm('echo hi')))).code, 0);
    const d = await kubectl('admin', 'diff', '--server-side', '-f', file('changed.yaml', cm('echo changed')));
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stdout, /^- {4}echo hi\n\+ {4}echo changed$/m);
    assert.ok(fake.requests.some((r) => r.query.dryRun === 'All'));
    assert.match(fake.get('configmaps', 'default', 'demo')?.data ? JSON.stringify(fake.get('configmaps', 'default', 'demo')?.data) : '', /echo hi/);
  });
  it('conflicts between field managers, and --force-conflicts', async () => {
    const f = join(dir, 'changed.yaml');
    const c = await kubectl('admin', 'apply', '--server-side', '--field-manager=other', '-f', f);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.data\.run\.sh\n.*--force-conflicts/s);
    assert.equal((await kubectl('admin', 'apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', f)).code, 0);
    const managers = (fake.get('configmaps', 'default', 'demo')?.metadata as { managedFields: { manager: string }[] }).managedFields.map((m) => m.manager);
    assert.deepEqual(managers, ['other']);
  });
  it('the Pod immutability rule, then logs once the Pod ran', async () => {
    assert.equal((await kubectl('admin', 'apply', '--server-side', '-f', file('pod.yaml', pod('true')))).code, 0);
    const bad = await kubectl('admin', 'apply', '--server-side', '-f', file('pod2.yaml', pod('false')));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The Pod "job-1" is invalid: spec: Forbidden: pod updates may not change fields other than/);
    await new Promise((r) => setTimeout(r, 300));
    const logs = await kubectl('admin', 'logs', 'job-1');
    assert.equal(logs.stdout, 'hello from the pod\ndone\n');
  });
  it('403 with the apiserver wording, 401 for an unknown token', async () => {
    const denied = await kubectl('view', 'apply', '--server-side', '-f', join(dir, 'cm.yaml'));
    assert.match(denied.stderr, /configmaps "demo" is forbidden: User "viewer" cannot patch resource "configmaps" in API group "" in the namespace "default"/);
    const nobody = await kubectl('nobody', 'get', 'cm', 'demo', '-o', 'yaml');
    assert.match(nobody.stderr, /You must be logged in to the server \(Unauthorized\)/);
  });
  it('delete removes the objects', async () => {
    assert.match((await kubectl('admin', 'delete', 'cm', 'demo')).stdout, /configmap "demo" deleted/);
    assert.match((await kubectl('admin', 'delete', '-f', join(dir, 'pod.yaml'))).stdout, /pod "job-1" deleted/);
    assert.equal(fake.list('configmaps', 'default').length + fake.list('pods', 'default').length, 0);
  });
});
