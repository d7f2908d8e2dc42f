import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ROOT, runCli } from '../helpers/cli.js';
import { getJson, kubeSkip, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

/** The bundled examples against a real kube-apiserver: what render prints is what a cluster accepts. */
describe('real kube-apiserver: bundled examples', { skip: kubeSkip }, () => {
  let k: RealKube;
  before(() => {
    k = realKube();
  });

  it('applies scripts/ (server dry run, then for real), and a re-apply changes nothing', async () => {
    const ns = newNamespace(k.kubeconfig);
    const env = { HOME: ROOT };
    const args = ['apply', '--kubeconfig', k.kubeconfig, '-n', ns, join(ROOT, 'scripts')];
    const dry = await runCli([...args, '--dry-run=server'], ROOT, env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^pod\/\S+ created \(server dry run\)$/m);
    assert.equal(getJson<{ items: unknown[] }>(k.kubeconfig, ['-n', ns, 'configmaps,pods,jobs,cronjobs', '-l', 'app.kubernetes.io/managed-by=nixpod']).items.length, 0);
    const first = await runCli(args, ROOT, env);
    assert.equal(first.code, 0, first.stderr);
    const live = getJson<{ items: unknown[] }>(k.kubeconfig, ['-n', ns, 'configmaps,pods,jobs,cronjobs', '-l', 'app.kubernetes.io/managed-by=nixpod']).items.length;
    assert.equal(live, (first.stdout.match(/ created$/gm) ?? []).length);
    const again = await runCli(args, ROOT, env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((again.stdout.match(/ unchanged$/gm) ?? []).length, live, again.stdout);
  });
});
