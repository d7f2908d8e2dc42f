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

describe('apply and diff against a cluster that cannot be reached', () => {
  it('give up on every object once one has used up its retries (kubectl stops at the first), said once by diff', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`s${i}.sh`] = script('#! nix-shell -i bash -p jq', `echo ${i}\n`);
    const dir = tempTree(files);
    writeFileSync(join(dir, 'kc'), 'apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters: [{name: x, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: x, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: x, user: x}}]\n');
    // 80 objects, 8 at a time, each retried for ~3 s on its own: 30 s before; one round of retries now.
    let t0 = Date.now();
    const diff = await runCli(['diff', '--kubeconfig', 'kc', '.'], dir);
    assert.ok(Date.now() - t0 < 12_000, `diff took ${Date.now() - t0} ms`);
    assert.equal(diff.code, 3, diff.stderr);
    const errors = diff.stderr.split('\n').filter((l) => l.startsWith('nixpod: error:'));
    assert.equal(errors.length, 1, diff.stderr);
    assert.match(errors[0] ?? '', /cannot reach https:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.* \(and 79 more objects\)$/);
    t0 = Date.now();
    const apply = await runCli(['apply', '--kubeconfig', 'kc', '.'], dir);
    assert.ok(Date.now() - t0 < 12_000, `apply took ${Date.now() - t0} ms`);
    assert.equal(apply.code, 3, apply.stderr);
    // apply lists what exists first: that list is refused, one error before any object.
    assert.match(apply.stderr, /cannot reach (?:the API server|https:\/\/127\.0\.0\.1:1).*ECONNREFUSED/);
    assert.equal(apply.stderr.split('\n').filter((l) => l.startsWith('nixpod: error:')).length, 1, apply.stderr);
    // -o json still writes its document: every object, not applied, with why.
    const json = await runCli(['apply', '--kubeconfig', 'kc', '-o', 'json', '.'], dir);
    assert.equal(json.code, 3, json.stderr);
    const doc = JSON.parse(json.stdout) as { items: { action: string; error?: { message: string } }[]; summary: Record<string, number> };
    assert.equal(doc.items.length, 80);
    assert.ok(doc.items.every((i) => i.action === 'failed' && /cannot reach https:\/\/127\.0\.0\.1:1/.test(i.error?.message ?? '')), json.stdout.slice(0, 400));
    assert.deepEqual(doc.summary, { failed: 80 });
    assert.equal(json.stderr.split('\n').filter((l) => l.startsWith('nixpod: error:')).length, 1, json.stderr);
  });
});
