import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { explainResponse } from '../../src/cluster/explain.js';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

const errors = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('nixpod: error:'));
const forbidden = (verb: string, resource: string) => ({ kind: 'reject' as const, status: 403 as const, reason: 'Forbidden', message: `${resource} is forbidden: User "admin" cannot ${verb} resource "${resource}" in API group "" in the namespace "default"` });

/** Messages that say what happened, once, with hints that name only flags the command has. */
describe('explanations', () => {
  let fake: FakeKube;
  let dir: string;
  let kc: string;
  const cli = (...args: string[]) => runCli([args[0] as string, '--kubeconfig', kc, ...args.slice(1)], dir, { HOME: dir });

  before(async () => {
    fake = await new FakeKube({ users: { admin: { name: 'admin' }, writer: { name: 'writer', verbs: ['create', 'patch'] } }, kubelet: () => ({ lines: ['hi'], exitCode: 0, runMs: 300 }) }).start();
  });
  after(() => fake.close());
  beforeEach((t) => {
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq', `echo ${JSON.stringify(t.name)}\n`), 'b.sh': script('#! nix-shell -i bash -p curl', `echo ${JSON.stringify(t.name)}\n`) });
    kc = join(dir, 'kubeconfig');
    writeFileSync(kc, fake.kubeconfig('admin'));
    fake.faults.length = 0;
  });

  it('a Pod list refused during --wait is said as such, not as a deleted Pod', async () => {
    fake.faults.push({ match: (x) => x.method === 'GET' && /\/pods$/.test(x.path), times: 2, ...forbidden('list', 'pods') });
    const r = await cli('apply', '--wait', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /nixpod: error: cannot follow the Pods: list pods: pods is forbidden: User "admin" cannot list/);
    assert.doesNotMatch(r.stderr, /deleted/);
  });

  it('diff --prune: a refused list is one line, exit 3 (not an internal error)', async () => {
    assert.equal((await cli('apply', '--prune', 'a.sh')).code, 0);
    fake.faults.push({ match: (x) => x.method === 'GET' && /\/configmaps$/.test(x.path), times: 5, ...forbidden('list', 'configmaps') });
    const r = await cli('diff', '--prune', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(errors(r.stderr), ['nixpod: error: list for --prune: configmaps is forbidden: User "admin" cannot list resource "configmaps" in API group "" in the namespace "default"']);
  });

  it('diff of scripts with errors: exit 2 (bad input), never 1 (differences), and nothing asked of the cluster', async () => {
    writeFileSync(join(dir, 'bad.sh'), '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "jq\n');
    const before = fake.requests.length;
    const r = await cli('diff', 'a.sh', 'bad.sh');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /nothing sent to the cluster/);
    assert.equal(r.stdout, '');
    assert.equal(fake.requests.length, before);
  });

  it('diff: a failure of the credentials is said once, naming the first object and how many more it stopped', async () => {
    writeFileSync(kc, fake.kubeconfig('not-a-token'));
    const r = await cli('diff', 'a.sh', 'b.sh');
    assert.equal(r.code, 3, r.stderr);
    const said = errors(r.stderr);
    assert.equal(said.length, 1, r.stderr);
    assert.match(said[0] ?? '', /^nixpod: error: \w+\/\S+: the cluster did not accept the credentials \(401 Unauthorized\) \(and 3 more objects\)$/);
    // The totals count what could not be compared.
    assert.match(r.stderr, /^0 added, 0 changed, 0 pruned, 0 unchanged, 4 not compared$/m);
  });

  it('apply: a failure of the credentials is said once, at the end, naming the first object and how many more it stopped', async () => {
    fake.faults.push({ match: (x) => x.method === 'PATCH', times: 100, kind: 'reject', status: 401, reason: 'Unauthorized', message: 'Unauthorized' });
    const r = await cli('apply', 'a.sh', 'b.sh');
    assert.equal(r.code, 3, r.stderr);
    // Both ConfigMaps refused, and the two workloads not sent: four objects, one line.
    assert.deepEqual(errors(r.stderr).length, 1, r.stderr);
    assert.match(errors(r.stderr)[0] ?? '', /^nixpod: error: configmap\/\S+: the cluster did not accept the credentials \(401 Unauthorized\) \(and 3 more objects\)$/);
    assert.doesNotMatch(r.stderr, /not applied, because its ConfigMap failed/);
    assert.match(r.stderr, /\n4 failed\n$/);
    // -o json keeps every object's own error.
    const json = await cli('apply', '-o', 'json', 'a.sh', 'b.sh');
    assert.equal(json.code, 3);
    const items = (JSON.parse(json.stdout) as { items: { kind: string; name: string; error?: { message: string } }[] }).items;
    assert.equal(items.filter((i) => /did not accept the credentials/.test(i.error?.message ?? '')).length, 4, json.stdout);
    for (const i of items) assert.ok(i.error?.message.startsWith(`${i.kind.toLowerCase()}/${i.name}: `), JSON.stringify(i));
  });

  it('apply --prune: a refused write of the ApplySet parent is said as the parent\'s, and nothing else is applied', async () => {
    fake.faults.push({ match: (x) => x.method === 'PATCH' && /\/configmaps\/nixpod$/.test(x.path), times: 5, ...forbidden('patch', 'configmaps') });
    const r = await cli('apply', '--prune', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(errors(r.stderr), ['nixpod: error: configmap/nixpod (the ApplySet parent): configmaps is forbidden: User "admin" cannot patch resource "configmaps" in API group "" in the namespace "default"']);
    assert.equal(r.stdout, '');
  });

  it('apply --prune: a hold that cannot be let go is said, with when it lapses and how to release it', async () => {
    assert.equal((await cli('apply', '--prune', 'a.sh')).code, 0);
    // The parent is there: the hold is taken by its first merge patch; taking it out again (the next ones) fails.
    let merges = 0;
    fake.faults.push({ match: (x) => x.method === 'PATCH' && /\/configmaps\/nixpod$/.test(x.path) && x.contentType === 'application/merge-patch+json' && ++merges > 1, times: 100, kind: 'status', status: 500 });
    const r = await cli('apply', '--prune', 'a.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /nixpod: warning: could not release this run's hold on configmap\/nixpod \(run [0-9a-f]+: .*\): another apply --prune of the set is refused until \S+\n {2}hint: release it \(it takes the right to patch it\): kubectl annotate -n default configmap\/nixpod nixpod\.dev\/prune-run-\n/);
    fake.faults.length = 0;
    const again = await cli('apply', '--prune', 'a.sh');
    assert.equal(again.code, 3);
    assert.match(again.stderr, /another nixpod apply --prune of this set is running/);
  });

  it('apply --prune: an answer lost after the hold was written (or let go) is not taken for another run, and no hold is left', async () => {
    writeFileSync(kc, fake.kubeconfig('admin', 'lost'));
    const parent = () => fake.get('configmaps', 'lost', 'nixpod') as { metadata: { annotations: Record<string, string> } } | undefined;
    // The set's first --prune: the parent's creation is done, its answer lost; the retry finds it made (by this run).
    fake.faults.push({ match: (x) => x.method === 'POST' && x.path === '/api/v1/namespaces/lost/configmaps', times: 1, kind: 'lose-answer' });
    const first = await cli('apply', '--prune', '--create-namespace', 'a.sh');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(parent()?.metadata.annotations['nixpod.dev/prune-run'], undefined);
    // The parent there: the claim's merge patch, then the release's, each done with its answer lost.
    for (const nth of [1, 2]) {
      let merges = 0;
      fake.faults.push({ match: (x) => x.method === 'PATCH' && x.path.endsWith('/configmaps/nixpod') && x.contentType === 'application/merge-patch+json' && ++merges === nth, times: 1, kind: 'lose-answer' });
      const r = await cli('apply', '--prune', 'a.sh');
      fake.faults.length = 0;
      assert.equal(r.code, 0, `${nth}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /another nixpod apply|could not release/);
      assert.equal(parent()?.metadata.annotations['nixpod.dev/prune-run'], undefined);
    }
  });

  it('apply --prune: stopped while the hold is being written, it says the hold may still land, and how to release it', async () => {
    writeFileSync(kc, fake.kubeconfig('admin', 'inflight'));
    assert.equal((await cli('apply', '--prune', '--create-namespace', 'a.sh')).code, 0);
    fake.faults.push({ match: (x) => x.method === 'PATCH' && x.path.endsWith('/configmaps/nixpod') && x.contentType === 'application/merge-patch+json', times: 1, kind: 'latency', ms: 2500 });
    const r = await cli('apply', '--prune', '--timeout', '1s', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /nixpod: warning: stopped while this run's hold on configmap\/nixpod was being written \(run ([0-9a-f]+)\): if the server still writes it, the set stays held until \S+\n {2}hint: if another apply --prune is refused with run \1, release it: kubectl annotate -n inflight configmap\/nixpod nixpod\.dev\/prune-run-\n/);
    assert.match(r.stderr, /^2 not applied$/m);
    // (This fake drops a request its client gave up on; a real server may still do it, hence the warning.)
    await new Promise((resolve) => setTimeout(resolve, 2000));
  });

  it('diff --timeout: a server that stops answering ends the diff at the timeout, said once, exit 3', async () => {
    fake.faults.push({ match: () => true, times: 1000, kind: 'latency', ms: 5000 });
    const t0 = Date.now();
    const r = await cli('diff', '--timeout', '1s', 'a.sh', 'b.sh');
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(errors(r.stderr), ['nixpod: error: the --timeout passed: stopped before everything was compared']);
    assert.match(r.stderr, /hint: give the command more time with --timeout\n/);
    assert.doesNotMatch(r.stderr, /converges|applied/);
  });

  it('diff with KUBECTL_EXTERNAL_DIFF: a TMPDIR it cannot write is an error naming it (exit 2, no trace); a failing program still lets the cluster errors be said', async () => {
    const missing = await runCli(['diff', '--kubeconfig', kc, 'a.sh'], dir, { HOME: dir, TMPDIR: join(dir, 'no-such-dir'), KUBECTL_EXTERNAL_DIFF: 'diff -u -N' });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^nixpod: error: cannot write the objects for KUBECTL_EXTERNAL_DIFF under \S+no-such-dir: ENOENT/m);
    assert.match(missing.stderr, /hint: set TMPDIR/);
    assert.doesNotMatch(missing.stderr, /internal error|\n\s+at /);
    // b.sh's ConfigMap is refused; a.sh's objects are compared, and the program that shows them fails.
    fake.faults.push({ match: (x) => x.method === 'PATCH' && /\/configmaps\/b-sh-/.test(x.path), times: 1000, ...forbidden('patch', 'configmaps') });
    writeFileSync(join(dir, 'fail.sh'), '#!/bin/sh\nexit 7\n', { mode: 0o755 });
    const r = await runCli(['diff', '--kubeconfig', kc, 'a.sh', 'b.sh'], dir, { HOME: dir, PATH: process.env.PATH ?? '', KUBECTL_EXTERNAL_DIFF: join(dir, 'fail.sh') });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /the KUBECTL_EXTERNAL_DIFF program "\S+fail\.sh" failed with exit status 7/);
    assert.match(r.stderr, /nixpod: error: configmap\/b-sh-\S+: configmaps is forbidden: User "admin" cannot patch/);
  });

  it('diff into a missing namespace: one error, and a hint diff can follow', async () => {
    const r = await cli('diff', '-n', 'nowhere', 'a.sh', 'b.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(errors(r.stderr), ['nixpod: error: namespace "nowhere" does not exist']);
    assert.match(r.stderr, /hint: create it first \(kubectl create namespace nowhere\), or let nixpod apply --create-namespace create it/);
  });

  it('apply into a missing namespace: one error for all objects; with --create-namespace --dry-run=server: why it cannot be checked', async () => {
    const plain = await cli('apply', '-n', 'nowhere', 'a.sh', 'b.sh');
    assert.equal(plain.code, 3);
    assert.deepEqual(errors(plain.stderr), ['nixpod: error: namespace "nowhere" does not exist']);
    assert.match(plain.stderr, /or pass --create-namespace/);
    const dry = await cli('apply', '-n', 'nowhere', '--create-namespace', '--dry-run=server', 'a.sh');
    assert.equal(dry.code, 3);
    assert.match(dry.stdout, /^namespace\/nowhere created \(server dry run\)$/m);
    assert.deepEqual(errors(dry.stderr), ['nixpod: error: namespace "nowhere" does not exist yet: --create-namespace would create it, but a server dry run creates nothing, so the objects in it cannot be checked']);
    assert.doesNotMatch(dry.stderr, /pass --create-namespace/);
  });

  it('two or more conflicts: the message keeps every field', async () => {
    const first = await cli('apply', 'a.sh');
    const name = /configmap\/(\S+) created/.exec(first.stdout)?.[1] ?? '';
    const live = fake.get('configmaps', 'default', name) as { data: Record<string, string> };
    const key = Object.keys(live.data)[0] ?? '';
    fake.applyAs('other', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'other' } }, data: { [key]: 'changed' } });
    const r = await cli('apply', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Apply failed with 2 conflicts: conflicts with "other": \.data\.\S+, \.metadata\.labels\.app\.kubernetes\.io\/managed-by|Apply failed with 2 conflicts: conflicts with "other": \.metadata\.labels\.app\.kubernetes\.io\/managed-by, \.data\./);
  });

  it('server-side apply with only create and patch: created, then configured (no get or list needed)', async () => {
    writeFileSync(kc, fake.kubeconfig('writer'));
    const r = await cli('apply', 'a.sh', 'b.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/ created$/gm) ?? []).length, 4);
    const again = await cli('apply', 'a.sh', 'b.sh');
    assert.equal(again.code, 0, again.stderr);
    assert.equal((again.stdout.match(/ configured$/gm) ?? []).length, 4);
  });
});

describe('explainResponse', () => {
  const answer = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  it('a Terminating namespace is not an RBAC problem', () => {
    const e = explainResponse(answer(403, { kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: 'pods "x" is forbidden: unable to create new content in namespace gone because it is being terminated' }), 'pod/x', 'gone');
    assert.equal(e.kind, 'terminating');
    assert.equal(e.message, 'namespace "gone" is being deleted (Terminating): nothing new can be created in it');
    assert.doesNotMatch(e.hint, /RBAC/);
  });
  it('the conflict list of several managers stays whole', () => {
    const msg = 'Apply failed with 3 conflicts: conflicts with "m1":\n- .data.a\n- .data.b\nconflict with "m2" using v1: .data.c';
    const e = explainResponse(answer(409, { message: msg, reason: 'Conflict', details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "m1"', field: '.data.a' }] } }), 'configmap/x', 'ns');
    assert.equal(e.message, 'configmap/x: Apply failed with 3 conflicts: conflicts with "m1": .data.a, .data.b; conflict with "m2" using v1: .data.c');
  });
});
