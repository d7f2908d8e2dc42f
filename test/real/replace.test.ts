import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { getJson, kubectlOk, kubeSkip, limitedKubeconfig, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

type Pod = { metadata: { uid: string; labels?: Record<string, string> }; spec: { containers: { image: string }[] } };

/** --replace deletes only nixpod's own Pods (a hostile review: it deleted another team's Pod of the same name). */
describe('real kube-apiserver: --replace and Pods nixpod did not make', { skip: kubeSkip }, () => {
  let k: RealKube;
  let dir: string;
  before(() => {
    k = realKube();
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
  });
  const nixpod = (ns: string, ...args: string[]) => runCli([args[0] as string, '--kubeconfig', k.kubeconfig, '-n', ns, ...args.slice(1)], dir, { HOME: dir });
  const podName = async (ns: string): Promise<string> => {
    const r = await runCli(['render', '-n', ns, '--format', 'json', 'a.sh'], dir, { HOME: dir });
    return (JSON.parse(r.stdout) as { items: { kind: string; metadata: { name: string } }[] }).items.find((o) => o.kind === 'Pod')?.metadata.name ?? '';
  };
  const other = (name: string, labels: string) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: Object.fromEntries(labels.split(',').map((l) => l.split('='))) }, spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'] }] } });

  it("another team's Pod of the same name: every step says it is not nixpod's, and it stays as it was", async () => {
    const ns = newNamespace(k.kubeconfig, 'rep');
    const name = await podName(ns);
    kubectlOk(k.kubeconfig, ['create', '-n', ns, '-f', '-'], other(name, 'owner=other-team'));
    const uid = getJson<Pod>(k.kubeconfig, ['-n', ns, 'pod', name]).metadata.uid;
    const conflict = await nixpod(ns, 'apply', 'a.sh');
    assert.equal(conflict.code, 3);
    assert.match(conflict.stderr, /conflict/);
    for (const flags of [['--force-conflicts'], ['--force-conflicts', '--replace']]) {
      const r = await nixpod(ns, 'apply', ...flags, 'a.sh');
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, new RegExp(`pod/${name}: a Pod of that name exists that nixpod did not make \\(its field managers: kubectl-create\\)`));
      assert.match(r.stderr, new RegExp(`hint: if it is yours to replace, delete it yourself \\(kubectl delete -n ${ns} pod/${name}\\)`));
      assert.doesNotMatch(r.stdout, /replaced/);
    }
    const after = getJson<Pod>(k.kubeconfig, ['-n', ns, 'pod', name]);
    assert.equal(after.metadata.uid, uid);
    assert.equal(after.spec.containers[0]?.image, 'busybox:1.36');
  });

  it('a Pod written (not applied) under nixpod\'s field manager name is not taken for nixpod\'s own', async () => {
    const ns = newNamespace(k.kubeconfig, 'rep');
    const name = await podName(ns);
    kubectlOk(k.kubeconfig, ['create', '--field-manager=nixpod', '-n', ns, '-f', '-'], other(name, 'owner=other-team'));
    const uid = getJson<Pod>(k.kubeconfig, ['-n', ns, 'pod', name]).metadata.uid;
    const r = await nixpod(ns, 'apply', '--force-conflicts', '--replace', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`pod/${name}: a Pod of that name exists that nixpod did not make \\(its field managers: nixpod\\)`));
    assert.equal(getJson<Pod>(k.kubeconfig, ['-n', ns, 'pod', name]).metadata.uid, uid);
  });

  it("nixpod's own Pod, recreated by hand from its YAML with another spec, is replaced", async () => {
    const ns = newNamespace(k.kubeconfig, 'rep');
    const name = await podName(ns);
    kubectlOk(k.kubeconfig, ['create', '-n', ns, '-f', '-'], other(name, 'app.kubernetes.io/managed-by=nixpod,nixpod.dev/script=a-sh'));
    const uid = getJson<Pod>(k.kubeconfig, ['-n', ns, 'pod', name]).metadata.uid;
    const r = await nixpod(ns, 'apply', '--force-conflicts', '--replace', 'a.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^pod/${name} replaced$`, 'm'));
    const after = getJson<Pod>(k.kubeconfig, ['-n', ns, 'pod', name]);
    assert.notEqual(after.metadata.uid, uid);
    assert.match(after.spec.containers[0]?.image ?? '', /^nixos\/nix:/);
  });

  it('a Pod changed within the same second as the re-apply is "configured", not "unchanged" (a Pod has no generation)', async () => {
    for (let round = 0; round < 3; round++) {
      const ns = newNamespace(k.kubeconfig, 'same');
      const rendered = await runCli(['render', '-n', ns, '--format', 'json', 'a.sh'], dir, { HOME: dir });
      const pod = (JSON.parse(rendered.stdout) as { items: { kind: string; spec: { containers: { image: string }[] } }[] }).items.find((o) => o.kind === 'Pod');
      assert.ok(pod);
      const image = pod.spec.containers[0]?.image ?? '';
      (pod.spec.containers[0] as { image: string }).image = `${image}-other`;
      // Applied by nixpod's own field manager with another image, then nixpod re-applies at once.
      kubectlOk(k.kubeconfig, ['apply', '--server-side', '--field-manager=nixpod', '-n', ns, '-f', '-'], JSON.stringify(pod));
      const r = await nixpod(ns, 'apply', 'a.sh');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^pod\/\S+ configured$/m);
      assert.equal(getJson<{ items: Pod[] }>(k.kubeconfig, ['-n', ns, 'pods']).items[0]?.spec.containers[0]?.image, image);
      const again = await nixpod(ns, 'apply', 'a.sh');
      assert.match(again.stdout, /^pod\/\S+ unchanged$/m);
    }
  });
});

describe('real kube-apiserver: a refusal that is the same for every object is said once', { skip: kubeSkip }, () => {
  it('a user who may write ConfigMaps but not Pods: one line for the Pods, with how many more, and every ConfigMap applied', async () => {
    const k = realKube();
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`s${i}.sh`] = script('#! nix-shell -i bash -p jq', `echo ${i}\n`);
    const dir = tempTree(files);
    const ns = newNamespace(k.kubeconfig, 'rbac');
    const kc = limitedKubeconfig(k, ns, 'cm-only', [{ resources: ['configmaps'], verbs: ['get', 'list', 'create', 'patch'] }], `${dir}/kc`);
    const r = await runCli(['apply', '--kubeconfig', kc, '.'], dir, { HOME: dir });
    assert.equal(r.code, 3, r.stderr);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('nixpod: error:'));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0] ?? '', new RegExp(`^nixpod: error: pod/s\\d-sh-\\S+: pods "s\\d-sh-\\S+" is forbidden: User "system:serviceaccount:${ns}:cm-only" cannot patch resource "pods" .* \\(and 5 more objects\\)$`));
    assert.equal((r.stderr.match(/hint: ask for RBAC permission/g) ?? []).length, 1);
    assert.match(r.stderr, /^6 created, 6 failed$/m);
  });
});
