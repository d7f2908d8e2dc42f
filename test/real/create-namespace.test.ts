import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { kubeSkip, limitedKubeconfig, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

describe('real kube-apiserver: --create-namespace for a user of one namespace', { skip: kubeSkip }, () => {
  let k: RealKube;
  before(() => {
    k = realKube();
  });
  it('an existing namespace that the user may neither read nor patch does not stop the apply', async () => {
    const ns = newNamespace(k.kubeconfig);
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    const kc = limitedKubeconfig(k, ns, 'writer', [{ resources: ['configmaps', 'pods'], verbs: ['create', 'patch'] }], join(dir, 'kc'));
    const r = await runCli(['apply', '--kubeconfig', kc, '--create-namespace', 'a.sh'], dir, { HOME: dir });
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.match(r.stdout, /^pod\/a-sh-\S+ created$/m);
  });
});
