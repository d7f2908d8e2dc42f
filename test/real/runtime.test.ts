import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { finishedStatus, getJson, kubectl, kubectlOk, kubeSkip, limitedKubeconfig, newNamespace, realKube, setPodStatus, type RealKube } from '../helpers/real-kube.js';

const errors = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('nixpod: error:'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the cluster decides, on a real kube-apiserver: conflicts, immutability, RBAC, Terminating namespaces, waits. */
describe('real kube-apiserver: apply, wait and run off the happy path', { skip: kubeSkip }, () => {
  let k: RealKube;
  let dir: string;
  before(() => {
    k = realKube();
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq'), 'b.sh': script('#! nix-shell -i bash -p curl') });
  });
  const cli = (kc: string, ...args: string[]) => runCli([args[0] as string, '--kubeconfig', kc, ...args.slice(1)], dir, { HOME: dir });

  /** The first Pod nixpod made in `ns`, once it exists (the CLI runs meanwhile: this waits without blocking it for long). */
  async function podIn(ns: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const items = getJson<{ items: { metadata: { name: string } }[] }>(k.kubeconfig, ['-n', ns, 'pods', '-l', 'app.kubernetes.io/managed-by=nixpod']).items;
      if (items[0]) return items[0].metadata.name;
      await sleep(200);
    }
    throw new Error(`no Pod appeared in ${ns}`);
  }

  it('conflicts with another field manager list every field; --force-conflicts takes them over', async () => {
    const ns = newNamespace(k.kubeconfig);
    const first = await cli(k.kubeconfig, 'apply', '-n', ns, 'a.sh');
    assert.equal(first.code, 0, first.stderr);
    const again = await cli(k.kubeconfig, 'apply', '-n', ns, 'a.sh');
    assert.equal((again.stdout.match(/ unchanged$/gm) ?? []).length, 2, again.stdout);
    const name = /configmap\/(\S+) created/.exec(first.stdout)?.[1] ?? '';
    const key = Object.keys(getJson<{ data: Record<string, string> }>(k.kubeconfig, ['-n', ns, 'configmap', name]).data)[0] ?? '';
    const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'someone-else' } }, data: { [key]: 'changed' } };
    kubectlOk(k.kubeconfig, ['apply', '--server-side', '--force-conflicts', '--field-manager=other', '-f', '-'], JSON.stringify(other));
    const r = await cli(k.kubeconfig, 'apply', '-n', ns, 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.ok(r.stderr.includes(`configmap/${name}: Apply failed with 2 conflicts: conflicts with "other": .data.${key}, .metadata.labels.app.kubernetes.io/managed-by`), r.stderr);
    assert.match(r.stderr, /hint: another field manager owns these fields: re-run with --force-conflicts/);
    const forced = await cli(k.kubeconfig, 'apply', '-n', ns, '--force-conflicts', 'a.sh');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, new RegExp(`^configmap/${name} configured$`, 'm'));
  });

  it("a Pod's spec cannot change: explained, and --replace recreates it", async () => {
    const ns = newNamespace(k.kubeconfig);
    // The same Pod, as an earlier nixpod apply could have left it, with another command.
    const items = JSON.parse((await runCli(['render', '-n', ns, '--format', 'json', 'a.sh'], dir)).stdout).items as { spec?: { containers: { command: string[] }[] } }[];
    const pod = items[1] as { spec: { containers: { command: string[] }[] } };
    (pod.spec.containers[0] as { command: string[] }).command = ['sh', '-c', 'echo an older version'];
    kubectlOk(k.kubeconfig, ['apply', '--server-side', '--field-manager=nixpod', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const r = await cli(k.kubeconfig, 'apply', '-n', ns, 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /pod\/a-sh-\S+: the Pod already exists with a different spec, and a Pod's spec cannot change\n {2}hint: re-run with --replace/);
    const replaced = await cli(k.kubeconfig, 'apply', '-n', ns, '--replace', 'a.sh');
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, /^pod\/a-sh-\S+ replaced$/m);
  });

  it('RBAC: a read-only ServiceAccount gets the 403 explained; one with only create and patch can apply', async () => {
    const ns = newNamespace(k.kubeconfig);
    const viewer = limitedKubeconfig(k, ns, 'viewer', [{ resources: ['configmaps', 'pods'], verbs: ['get', 'list'] }], join(dir, `viewer-${ns}`));
    const denied = await cli(viewer, 'apply', 'a.sh');
    assert.equal(denied.code, 3);
    assert.match(denied.stderr, /configmap\/a-sh-\S+: configmaps "a-sh-\S+" is forbidden: User "system:serviceaccount:[^"]+:viewer" cannot patch resource "configmaps"/);
    assert.match(denied.stderr, /hint: ask for RBAC permission/);
    const writer = limitedKubeconfig(k, ns, 'writer', [{ resources: ['configmaps', 'pods'], verbs: ['create', 'patch'] }], join(dir, `writer-${ns}`));
    const r = await cli(writer, 'apply', 'a.sh', 'b.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/ created$/gm) ?? []).length, 4, r.stdout);
    const again = await cli(writer, 'apply', 'a.sh', 'b.sh');
    assert.equal(again.code, 0, again.stderr);
    assert.equal((again.stdout.match(/ configured$/gm) ?? []).length, 4, again.stdout);
    // Waiting needs list: said as such, not as a deleted Pod.
    const wait = await cli(writer, 'apply', '--wait', 'a.sh');
    assert.equal(wait.code, 3);
    assert.match(wait.stderr, /nixpod: error: cannot follow the Pods: list pods: pods is forbidden: .* cannot list resource "pods"/);
    assert.doesNotMatch(wait.stderr, /deleted/);
  });

  it('a Terminating namespace is said as such (not as RBAC), once', async () => {
    const ns = newNamespace(k.kubeconfig);
    kubectlOk(k.kubeconfig, ['delete', 'namespace', ns, '--wait=false']);
    const r = await cli(k.kubeconfig, 'apply', '-n', ns, 'a.sh', 'b.sh');
    assert.equal(r.code, 3);
    assert.deepEqual(errors(r.stderr), [`nixpod: error: namespace "${ns}" is being deleted (Terminating): nothing new can be created in it`]);
    assert.doesNotMatch(r.stderr, /RBAC/);
  });

  it('--logs ends with the Pod (the test plays the kubelet)', async () => {
    const ns = newNamespace(k.kubeconfig);
    const running = cli(k.kubeconfig, 'apply', '-n', ns, '--logs', '--timeout', '60s', 'b.sh');
    setPodStatus(k.kubeconfig, ns, await podIn(ns), finishedStatus(3));
    const r = await running;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^pod\/b-sh-\S+ \(b\.sh\) failed: the script exited with code 3$/m);
    // A bare API server answers 204 for the log of a Pod on no node: an empty log, not a warning.
    assert.doesNotMatch(r.stderr, /warning/);
  });

  it('run: a delete RBAC refuses is reported with what was left behind, exit 3', async () => {
    const ns = newNamespace(k.kubeconfig);
    const user = limitedKubeconfig(k, ns, 'nodelete', [{ resources: ['configmaps', 'pods'], verbs: ['create', 'patch', 'get', 'list'] }], join(dir, `nodelete-${ns}`));
    const running = cli(user, 'run', 'a.sh');
    const name = await podIn(ns);
    setPodStatus(k.kubeconfig, ns, name, finishedStatus(0));
    const r = await running;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /warning: no log: log of pod\/\S+: .*cannot get resource "pods\/log"/);
    assert.match(r.stderr, new RegExp(`could not clean up: pod/${name} and configmap/${name} left behind in namespace ${ns}: .*cannot delete resource "pods"`));
    assert.match(r.stderr, new RegExp(`hint: delete them yourself: kubectl delete -n ${ns} pod/${name} configmap/${name}`));
    assert.equal(kubectl(k.kubeconfig, ['-n', ns, 'get', 'pod', name]).code, 0);
  });
});
