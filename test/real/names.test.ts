import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { kubeconfigFor, kubeSkip, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

const ok = script('#! nix-shell -i bash -p jq');
const HOSTILE = ['日本語.sh', 'テスト.sh', 'a.b.sh', 'a_b.sh', 'a-b.sh', 'with space.sh', '-lead.sh', `${'Long'.repeat(60)}.sh`, `${'Long'.repeat(60)}2.sh`, 'UPPER.SH', 'émoji🚀.py'];

/** Every name and key nixpod makes is one the API server takes (issue 8 §6), and names do not depend on where the namespace came from (§2). */
describe('real kube-apiserver: names and keys', { skip: kubeSkip }, () => {
  let k: RealKube;
  before(() => {
    k = realKube();
  });

  it('hostile file names all render, and the server accepts every name and key (server dry run)', async () => {
    const files: Record<string, string> = Object.fromEntries(HOSTILE.map((n) => [`hostile/${n}`, ok]));
    const dir = tempTree({ ...files, '..x.sh': ok, 'Ünï bundle.sh': script('#! nix-shell -i bash -p jq -I lib=./lib'), 'lib/a b.nix': '{ }\n', 'lib/Ä.nix': '{ }\n', 'lib/..c.nix': 'hidden\n' });
    const ns = newNamespace(k.kubeconfig);
    const r = await runCli(['apply', '--kubeconfig', k.kubeconfig, '-n', ns, '--dry-run=server', 'hostile', './..x.sh', 'Ünï bundle.sh'], dir, { HOME: dir });
    assert.equal(r.code, 0, r.stderr);
    const created = r.stdout.match(/^(configmap|pod)\/\S+ created \(server dry run\)$/gm) ?? [];
    assert.equal(created.length, 2 * (HOSTILE.length + 2), r.stdout);
  });

  it('apply with the namespace from the context, apply -n and render give the same names', async () => {
    const dir = tempTree({ 'a.sh': ok, 'b/Deploy Prod.sh': ok });
    const ns = newNamespace(k.kubeconfig);
    const kc = join(dir, 'kubeconfig');
    writeFileSync(kc, kubeconfigFor(k, { token: k.token }, ns));
    const names = (out: string) => [...out.matchAll(/^pod\/(\S+) /gm)].map((m) => m[1]).sort();
    const fromContext = await runCli(['apply', '--kubeconfig', kc, '.'], dir, { HOME: dir });
    assert.equal(fromContext.code, 0, fromContext.stderr);
    assert.match(fromContext.stdout, /^pod\/\S+ created$/m);
    const withFlag = await runCli(['apply', '--kubeconfig', kc, '-n', ns, '.'], dir, { HOME: dir });
    assert.equal(withFlag.code, 0, withFlag.stderr);
    assert.deepEqual(names(withFlag.stdout), names(fromContext.stdout));
    assert.doesNotMatch(withFlag.stdout, / created$/m, 'the same objects: nothing new, nothing runs twice');
    const rendered = await runCli(['render', '.'], dir);
    const renderedNames = [...rendered.stdout.matchAll(/^kind: Pod\nmetadata:\n {2}name: (\S+)$/gm)].map((m) => m[1]).sort();
    assert.deepEqual(renderedNames, names(fromContext.stdout));
  });
});
