import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { getJson, kubectlOk, kubeSkip, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

type Meta = { name: string; annotations?: Record<string, string> };
const RUN = 'nixpod.dev/prune-run';

/**
 * Two apply --prune of one set at once used to prune each other's objects and
 * both exit 0 (a hostile review, 3 times out of 3): now one of them holds the
 * set and the other applies nothing, on the real API server.
 */
describe('real kube-apiserver: one apply --prune of a set at a time', { skip: kubeSkip }, () => {
  let k: RealKube;
  let dir: string;
  before(() => {
    k = realKube();
    dir = tempTree({ 'bye.sh': script('#! nix-shell -i bash -p jq', 'echo bye\n'), 'hello.sh': script('#! nix-shell -i bash -p curl', 'echo hello\n') });
  });
  const nixpod = (ns: string, ...args: string[]) => runCli([args[0] as string, '--kubeconfig', k.kubeconfig, '-n', ns, ...args.slice(1)], dir, { HOME: dir });
  const names = (ns: string): string[] => getJson<{ items: { kind: string; metadata: Meta }[] }>(k.kubeconfig, ['-n', ns, 'configmaps,pods']).items.map((o) => `${o.kind}/${o.metadata.name}`).filter((n) => n !== 'ConfigMap/nixpod' && !n.includes('kube-root-ca')).sort();
  const parent = (ns: string): Meta => getJson<{ metadata: Meta }>(k.kubeconfig, ['-n', ns, 'configmap', 'nixpod']).metadata;

  it('two at once: one applies and prunes, the other applies nothing and says why (exit 3); nothing of the winner is lost', async () => {
    // Rounds 0-2 with the set's parent there already; 3-5 the first apply --prune of the set (no parent yet: both create it).
    for (let round = 0; round < 6; round++) {
      const ns = newNamespace(k.kubeconfig, 'race');
      if (round < 3) assert.equal((await nixpod(ns, 'apply', '--prune', '.')).code, 0);
      const [a, b] = await Promise.all([nixpod(ns, 'apply', '--prune', 'bye.sh'), nixpod(ns, 'apply', '--prune', 'hello.sh')]);
      const codes = [a.code, b.code].sort();
      assert.deepEqual(codes, [0, 3], `${a.stderr}\n---\n${b.stderr}`);
      const [won, lost] = a.code === 0 ? [a, b] : [b, a];
      assert.match(lost.stderr, /another nixpod apply --prune of this set (is running|started at the same moment|\(run \w+\) took it over)/);
      assert.doesNotMatch(lost.stdout, /deleted/);
      // What the winner applied is all there is, and its hold is let go.
      const wanted = won === a ? 'bye' : 'hello';
      assert.deepEqual(names(ns).map((n) => n.replace(/-sh-[0-9a-f]{10}$/, '')), [`ConfigMap/${wanted}`, `Pod/${wanted}`]);
      assert.equal(parent(ns).annotations?.[RUN], undefined);
    }
  });

  it('a set held by a run still within its time is refused, with how to release it (which works); a lapsed hold is taken over', async () => {
    const ns = newNamespace(k.kubeconfig, 'held');
    assert.equal((await nixpod(ns, 'apply', '--prune', '.')).code, 0);
    const until = new Date(Date.now() + 600_000).toISOString();
    kubectlOk(k.kubeconfig, ['annotate', '-n', ns, 'configmap/nixpod', `${RUN}=abc123 until ${until}`]);
    const before = names(ns);
    const r = await nixpod(ns, 'apply', '--prune', 'bye.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`another nixpod apply --prune of this set is running \\(run abc123, in configmap/nixpod, the ApplySet parent, until ${until.replace(/\./g, '\\.')}\\): nothing was applied`));
    assert.match(r.stderr, new RegExp(`kubectl annotate -n ${ns} configmap/nixpod ${RUN}-`));
    assert.deepEqual(names(ns), before);
    // Previews go on, and say so: they change nothing.
    const dry = await nixpod(ns, 'apply', '--prune', '--dry-run=server', 'bye.sh');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /warning: another nixpod apply --prune of this set is running \(run abc123, in configmap\/nixpod, until .*\): what it applies and prunes may change what this shows/);
    assert.match(dry.stdout, /pod\/hello-sh-\S+ deleted \(server dry run\)/);
    const diff = await nixpod(ns, 'diff', '--prune', 'bye.sh');
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stderr, /warning: another nixpod apply --prune of this set is running/);
    assert.deepEqual(names(ns), before);
    // The hint's way out works.
    kubectlOk(k.kubeconfig, ['annotate', '-n', ns, 'configmap/nixpod', `${RUN}-`]);
    const released = await nixpod(ns, 'apply', '--prune', '.');
    assert.equal(released.code, 0, released.stderr);
    // A hold that lapsed an hour ago, a value that names no hold, or one beyond the longest --timeout, whoever wrote it: taken over (no field-manager conflict), and let go at the end.
    const holds: [string, string][] = [
      [`abc123 until ${new Date(Date.now() - 3_600_000).toISOString()}`, 'bye.sh'],
      ['garbage', '.'],
      ['abc123 until 2099-01-01T00:00:00Z', '.'],
    ];
    for (const [value, what] of holds) {
      kubectlOk(k.kubeconfig, ['annotate', '--overwrite', '-n', ns, 'configmap/nixpod', `${RUN}=${value}`]);
      const taken = await nixpod(ns, 'apply', '--prune', what);
      assert.equal(taken.code, 0, taken.stderr);
      assert.equal(parent(ns).annotations?.[RUN], undefined);
    }
    assert.deepEqual(names(ns).map((n) => n.replace(/-sh-[0-9a-f]{10}$/, '')), ['ConfigMap/bye', 'ConfigMap/hello', 'Pod/bye', 'Pod/hello']);
  });
});
