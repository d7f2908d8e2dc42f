import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, script, tempTree } from '../helpers/cli.js';

describe('run against a cluster that cannot be reached', () => {
  it('does not claim that anything is left behind: it cannot know (exit 3)', async () => {
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    // Nothing listens on port 1: every request, the create and the clean-up alike, is refused before it is sent.
    writeFileSync(join(dir, 'kc'), 'apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters: [{name: x, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: x, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: x, user: x}}]\n');
    const r = await runCli(['run', '--kubeconfig', 'kc', 'a.sh'], dir);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot reach https:\/\/127\.0\.0\.1:1/);
    assert.match(r.stderr, /configmap\/a-sh-\S+ may be left behind in namespace default \(the cluster could not be reached to see\)/);
    assert.doesNotMatch(r.stderr, /(?<!may be) left behind in namespace/);
    assert.match(r.stderr, /hint: once the cluster is reachable, check and delete them yourself: kubectl delete -n default configmap\/a-sh-/);
  });
});
