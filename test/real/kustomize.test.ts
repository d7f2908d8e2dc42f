import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { kubectl, kubeSkip, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

type Obj = { kind: string; metadata: { name: string } } & Record<string, unknown>;

const kubectlSkip = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0 ? false : 'kubectl is not installed';

/** A folder of scripts of every kind: a Pod, a Job, a CronJob, one shipping a file. */
function scripts(): string {
  return tempTree({
    's/pod.sh': script('#! nix-shell -i bash -p jq'),
    's/job.py': script('#! nix-shell -i python3 -p python3\n#! nixpod kind=job'),
    's/report.sh': script('#! nix-shell -i bash -p curl\n#! nixpod kind=cronjob schedule="0 3 * * *"'),
    's/ships.sh': script('#! nix-shell shell.nix -i bash'),
    's/shell.nix': 'with import <nixpkgs> {}; mkShell { packages = [ hello ]; }\n',
  });
}

const key = (o: Obj): string => `${o.kind}/${o.metadata.name}`;
const byKey = (objects: Obj[]): Obj[] => [...objects].sort((a, b) => (key(a) < key(b) ? -1 : 1));
const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj);

describe('render -o DIR is a kustomization (the real kubectl kustomize)', { skip: kubectlSkip }, () => {
  for (const format of ['yaml', 'json'] as const) {
    it(`--format ${format}: kubectl kustomize DIR gives the objects of the multi-document render`, async () => {
      const dir = scripts();
      const w = await runCli(['render', '-n', 'batch', '-o', 'out', '--format', format, 's'], dir);
      assert.equal(w.code, 0, w.stderr);
      const stream = await runCli(['render', '-n', 'batch', 's'], dir);
      assert.equal(stream.code, 0, stream.stderr);
      const k = spawnSync('kubectl', ['kustomize', join(dir, 'out')], { encoding: 'utf8', maxBuffer: 1 << 28 });
      assert.equal(k.status, 0, k.stderr);
      const expected = docs(stream.stdout);
      assert.equal(expected.length, 8);
      // kustomize orders by kind and may restyle the YAML: the objects themselves are what must agree.
      assert.deepEqual(byKey(docs(k.stdout)), byKey(expected));
    });
  }
  it('a script shipped byte for byte survives kustomize (data is not reformatted into something else)', async () => {
    const body = 'printf "%s\\n" "tabs\\there"   \n\n# trailing blanks and a --- line\n---\n{{ not a template }}\n';
    const dir = tempTree({ 's/odd.sh': script('#! nix-shell -i bash -p jq', body) });
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    const k = spawnSync('kubectl', ['kustomize', join(dir, 'out')], { encoding: 'utf8' });
    assert.equal(k.status, 0, k.stderr);
    const cm = docs(k.stdout).find((o) => o.kind === 'ConfigMap') as Obj & { data: Record<string, string> };
    assert.equal(cm.data['odd.sh'], readFileSync(join(dir, 's/odd.sh'), 'utf8'));
  });
});

describe('kubectl apply -k DIR on the real kube-apiserver (server-side dry run)', { skip: kubeSkip || kubectlSkip }, () => {
  let k: RealKube;
  before(() => {
    k = realKube();
  });
  it('the API server accepts every object of the folder', async () => {
    const ns = newNamespace(k.kubeconfig, 'kust');
    const dir = scripts();
    assert.equal((await runCli(['render', '-n', ns, '-o', 'out', 's'], dir)).code, 0);
    const r = kubectl(k.kubeconfig, ['apply', '-k', join(dir, 'out'), '--server-side', '--field-manager=nixpod', '--dry-run=server', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    const applied = r.stdout.trim().split('\n').sort();
    assert.equal(applied.length, 8);
    for (const kind of ['configmap/', 'pod/', 'job.batch/', 'cronjob.batch/']) assert.ok(applied.some((l) => l.startsWith(kind)), `${kind} in ${applied.join(', ')}`);
  });
  it('kubectl apply -f DIR takes a --no-kustomization folder, and stumbles on the default one (why the flag exists)', async () => {
    const ns = newNamespace(k.kubeconfig, 'kustf');
    const dir = scripts();
    assert.equal((await runCli(['render', '-n', ns, '-o', 'plain', '--no-kustomization', 's'], dir)).code, 0);
    for (const mode of ['client', 'server']) {
      const r = kubectl(k.kubeconfig, ['apply', '-f', join(dir, 'plain'), `--dry-run=${mode}`, '-o', 'name']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n').length, 8, r.stdout);
    }
    assert.equal((await runCli(['render', '-n', ns, '-o', 'kust', 's'], dir)).code, 0);
    const r = kubectl(k.kubeconfig, ['apply', '-f', join(dir, 'kust'), '--dry-run=client', '-o', 'name']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no matches for kind "Kustomization"/);
  });
});
