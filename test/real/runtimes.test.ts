import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { getJson, kubeSkip, newNamespace, realKube, setPodStatus, finishedStatus, type RealKube } from '../helpers/real-kube.js';

type Pod = { metadata: { name: string }; spec: { containers: { image: string; command?: string[]; args?: string[] }[]; volumes?: unknown[] } };
const REV = '0123456789abcdef0123456789abcdef01234567';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Nixery and prebuilt-image runtimes on a real kube-apiserver: what is applied, pruned and run. */
describe('real kube-apiserver: runtimes', { skip: kubeSkip }, () => {
  let k: RealKube;
  let dir: string;
  before(() => {
    k = realKube();
    dir = tempTree({ '.git/HEAD': '', 'a.sh': script('#! nix-shell -i bash -p jq', 'echo hi\n'), 'n.sh': `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/${REV}.tar.gz\necho hi\n` });
  });
  const nixpod = (ns: string, ...args: string[]) => runCli([args[0] as string, '--kubeconfig', k.kubeconfig, '-n', ns, ...args.slice(1)], dir, { HOME: dir });
  const objects = (ns: string, what: string) => getJson<{ items: Pod[] }>(k.kubeconfig, ['-n', ns, what, '-l', 'app.kubernetes.io/managed-by=nixpod']).items;

  it('runtime image: only the Pod is applied, on REPO:<hash>; switching runtimes with --prune leaves nothing behind', async () => {
    const ns = newNamespace(k.kubeconfig, 'rt');
    const first = await nixpod(ns, 'apply', '--prune', 'a.sh');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(objects(ns, 'configmaps').length, 1);
    const image = await nixpod(ns, 'apply', '--prune', '--runtime', 'image=registry.example/acme/scripts', 'a.sh');
    assert.equal(image.code, 0, image.stderr);
    assert.equal(objects(ns, 'configmaps').length, 0, 'the nix-shell generation\'s ConfigMap is pruned');
    const pods = objects(ns, 'pods');
    assert.equal(pods.length, 1, pods.map((p) => p.metadata.name).join());
    const c = pods[0]?.spec.containers[0];
    assert.match(c?.image ?? '', /^registry\.example\/acme\/scripts:[0-9a-f]{10,}$/);
    assert.equal(c?.command, undefined);
    assert.equal(pods[0]?.spec.volumes?.filter((v) => JSON.stringify(v).includes('configMap')).length ?? 0, 0);
    const again = await nixpod(ns, 'apply', '--prune', '--runtime', 'image=registry.example/acme/scripts', 'a.sh');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^pod\/\S+ unchanged$/m);
    assert.equal((await nixpod(ns, 'diff', '--prune', '--runtime', 'image=registry.example/acme/scripts', 'a.sh')).code, 0);
  });

  it('runtime nixery: the Pod runs bash from HOST/<packages>/bashinteractive:<the pinned commit>', async () => {
    const ns = newNamespace(k.kubeconfig, 'rt');
    // A tag pin (refs/tags/24.11, as a.sh has) cannot be served by Nixery (nixery-pin): the pin is a commit.
    const r = await nixpod(ns, 'apply', '--runtime', 'nixery=nixery.example', 'n.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(objects(ns, 'configmaps').length, 1);
    const c = objects(ns, 'pods')[0]?.spec.containers[0];
    assert.equal(c?.image, `nixery.example/jq/bashinteractive:${REV}`);
    assert.equal(c?.command?.[0], '/bin/bash');
  });

  it('run with runtime image: the Pod is created, its exit code is the command\'s', async () => {
    const ns = newNamespace(k.kubeconfig, 'rt');
    const running = nixpod(ns, 'run', '--runtime', 'image=registry.example/acme/scripts', '--timeout', '60s', 'a.sh');
    let pod: Pod | undefined;
    for (let i = 0; i < 150 && !pod; i++) {
      pod = objects(ns, 'pods')[0];
      if (!pod) await sleep(100);
    }
    assert.ok(pod, 'run created a Pod');
    setPodStatus(k.kubeconfig, ns, pod.metadata.name, finishedStatus(3));
    const r = await running;
    assert.equal(r.code, 3, r.stderr);
  });
});
