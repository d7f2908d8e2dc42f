import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { getJson, kubectl, kubectlOk, kubeSkip, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

type Meta = { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string };
const KUBECTL_MEMBER = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-member' }, data: { a: 'b' } });

/** Never delete or take over what is not ours (issue 8 §1), on the real API server with the real kubectl. */
describe('real kube-apiserver: prune ownership', { skip: kubeSkip }, () => {
  let k: RealKube;
  let dir: string;
  before(() => {
    k = realKube();
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq'), 'empty/.keep': '', 'skipped/notes.txt': 'not a script\n' });
    writeFileSync(join(dir, 'member.json'), KUBECTL_MEMBER);
  });
  const nixpod = (ns: string, ...args: string[]) => runCli([args[0] as string, '--kubeconfig', k.kubeconfig, '-n', ns, ...args.slice(1)], dir, { HOME: dir });
  const cm = (ns: string, name: string) => getJson<{ metadata: Meta }>(k.kubeconfig, ['-n', ns, 'configmap', name]).metadata;
  /** kubectl's own ApplySet pruning (alpha in 1.32: KUBECTL_APPLYSET=true), with a ConfigMap parent named nixpod (its default parent kind is Secret). */
  const kubectlSet = (ns: string) => {
    process.env.KUBECTL_APPLYSET = 'true';
    try {
      return kubectl(k.kubeconfig, ['apply', '--server-side', '--prune', '--applyset=configmaps/nixpod', '-n', ns, '-f', join(dir, 'member.json')]);
    } finally {
      delete process.env.KUBECTL_APPLYSET;
    }
  };

  it("refuses kubectl's ApplySet parent, with or without --force-conflicts, and kubectl's member survives", async () => {
    const ns = newNamespace(k.kubeconfig);
    const made = kubectlSet(ns);
    assert.equal(made.code, 0, made.stderr);
    const before = cm(ns, 'nixpod');
    assert.match(before.annotations?.['applyset.kubernetes.io/tooling'] ?? '', /^kubectl\//);
    for (const extra of [[], ['--force-conflicts']]) {
      const r = await nixpod(ns, 'apply', '--prune', ...extra, 'a.sh');
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /configmap\/nixpod in namespace "[^"]+" is the ApplySet parent of another tool \(applyset\.kubernetes\.io\/tooling: kubectl\/v[^)]+\)/);
      assert.match(r.stderr, /--applyset NAME/);
      assert.doesNotMatch(r.stderr, /internal error|hint: .*re-run with --force-conflicts/);
    }
    const d = await nixpod(ns, 'diff', '--prune', 'a.sh');
    assert.equal(d.code, 3, d.stderr);
    assert.deepEqual(cm(ns, 'nixpod'), before, 'the parent is untouched');
    assert.equal(cm(ns, 'kube-member').name, 'kube-member', "kubectl's member survives");
    assert.equal(getJson<{ items: unknown[] }>(k.kubeconfig, ['-n', ns, 'pods']).items.length, 0, 'nothing of ours was applied either');
    // Another parent name is the way out, and leaves kubectl's set alone.
    const other = await nixpod(ns, 'apply', '--prune', '--applyset', 'scripts', 'a.sh');
    assert.equal(other.code, 0, other.stderr);
    assert.equal(cm(ns, 'kube-member').name, 'kube-member');
  });

  it('refuses a plain ConfigMap that happens to be named nixpod, and leaves it as it was', async () => {
    const ns = newNamespace(k.kubeconfig);
    kubectlOk(k.kubeconfig, ['-n', ns, 'create', 'configmap', 'nixpod', '--from-literal=x=y']);
    const before = cm(ns, 'nixpod');
    const r = await nixpod(ns, 'apply', '--prune', '--force-conflicts', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /configmap\/nixpod in namespace "[^"]+" exists and is not an ApplySet parent/);
    assert.deepEqual(cm(ns, 'nixpod'), before);
  });

  it("refuses a nixpod parent whose id label is another set's", async () => {
    const ns = newNamespace(k.kubeconfig);
    assert.equal((await nixpod(ns, 'apply', '--prune', 'a.sh')).code, 0);
    kubectlOk(k.kubeconfig, ['-n', ns, 'label', '--overwrite', 'configmap', 'nixpod', 'applyset.kubernetes.io/id=applyset-other-v1']);
    const r = await nixpod(ns, 'apply', '--prune', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /has the ApplySet id applyset-other-v1, not applyset-/);
  });

  it("kubectl's ApplySet tooling recognises nixpod's parent as another tool's", async () => {
    const ns = newNamespace(k.kubeconfig);
    assert.equal((await nixpod(ns, 'apply', '--prune', 'a.sh')).code, 0);
    const r = kubectlSet(ns);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /managed by tooling "nixpod" instead of "kubectl"/);
  });

  it('apply --prune and diff --prune with nothing rendered refuse, and delete nothing', async () => {
    const ns = newNamespace(k.kubeconfig);
    const first = await nixpod(ns, 'apply', '--prune', 'a.sh');
    assert.equal(first.code, 0, first.stderr);
    const live = () => getJson<{ items: unknown[] }>(k.kubeconfig, ['-n', ns, 'configmaps,pods', '-l', 'applyset.kubernetes.io/part-of']).items.length;
    assert.equal(live(), 2);
    mkdirSync(join(dir, 'empty2'), { recursive: true });
    for (const what of ['empty2', 'skipped']) {
      for (const cmd of ['apply', 'diff']) {
        const r = await nixpod(ns, cmd, '--prune', what);
        assert.equal(r.code, 2, `${cmd} ${what}: ${r.stderr}`);
        assert.match(r.stderr, /--prune with no objects: no script was rendered/);
      }
    }
    const dry = await nixpod(ns, 'apply', '--prune', '--dry-run=server', 'skipped');
    assert.equal(dry.code, 2);
    assert.equal(live(), 2, 'nothing was deleted');
  });
});
