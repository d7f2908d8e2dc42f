import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

/** `nixpod apply` against the loopback API server: results, and the requests sent. */
describe('nixpod apply', () => {
  let fake: FakeKube;
  let dir: string;
  let kc: string;
  const apply = (...args: string[]) => runCli(['apply', '--kubeconfig', kc, ...args], dir, { HOME: dir });
  const patches = () => fake.requests.filter((r) => r.method === 'PATCH');

  before(async () => {
    fake = await new FakeKube({
      users: { admin: { name: 'admin' }, view: { name: 'viewer', verbs: ['get', 'list', 'watch'] } },
      kubelet: (pod) => {
        if (JSON.stringify(pod).includes('stuck.sh')) return { lines: [], exitCode: 0, stuck: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nixos/nix:nope"' } };
        const failing = JSON.stringify(pod).includes('fails.sh');
        return { lines: ['line one', failing ? 'oops' : 'line two'], exitCode: failing ? 2 : 0 };
      },
    }).start();
  });
  after(() => fake.close());
  beforeEach(() => {
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq'), 'b.sh': script('#! nix-shell -i bash -p curl') });
    kc = join(dir, 'kubeconfig');
    writeFileSync(kc, fake.kubeconfig('admin'));
    fake.requests.length = 0;
  });

  it('server-side applies each ConfigMap before its Pod, exactly as rendered; a re-apply changes nothing', async () => {
    const r = await apply('-n', 'default', 'a.sh', 'b.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^configmap\/a-sh-[0-9a-f]{10} created$/m);
    assert.match(r.stdout, /^pod\/b-sh-[0-9a-f]{10} created$/m);
    const p = patches();
    assert.ok(p.every((x) => x.contentType === 'application/apply-patch+yaml' && x.query.fieldManager === 'nixpod'));
    for (const base of ['a-sh', 'b-sh']) {
      const order = p.filter((x) => x.path.includes(`/${base}-`)).map((x) => x.path.split('/')[5]);
      assert.deepEqual(order, ['configmaps', 'pods']);
    }
    const rendered = JSON.parse((await runCli(['render', '-n', 'default', '--format', 'json', 'a.sh'], dir)).stdout).items;
    const live = fake.get('configmaps', 'default', rendered[0].metadata.name);
    assert.deepEqual(live?.data, rendered[0].data);
    assert.deepEqual((live?.metadata as { labels: unknown }).labels, rendered[0].metadata.labels);
    const again = await apply('-n', 'default', 'a.sh', 'b.sh');
    assert.equal(again.code, 0);
    assert.equal((again.stdout.match(/ unchanged$/gm) ?? []).length, 4);
  });

  it('a script with check errors sends nothing', async () => {
    writeFileSync(join(dir, 'bad.sh'), '#! /usr/bin/env nix-shell\n#! nix-shell -p jq\necho no interpreter\n');
    const r = await apply('bad.sh');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nothing sent to the cluster/);
    assert.equal(fake.requests.length, 0);
  });

  it('fields a custom template adds reach the server (no typed model drops them)', async () => {
    const tree = tempTree({ 'pod.yaml.hbs': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{json name}}\n  labels: {{json labels}}\nspec:\n  restartPolicy: Never\n  futureField: kept\n  containers:\n    - name: main\n      image: {{json image}}\n      command: {{json command}}\n' });
    const r = await apply('--templates', tree, 'a.sh');
    assert.equal(r.code, 0, r.stderr);
    const name = /pod\/(\S+) created/.exec(r.stdout)?.[1] ?? '';
    assert.notEqual(name, '', r.stdout);
    assert.equal((fake.get('pods', 'default', name)?.spec as { futureField?: string }).futureField, 'kept');
  });

  it('--dry-run=server stores nothing; --dry-run=client sends nothing', async () => {
    writeFileSync(join(dir, 'dry.sh'), script('#! nix-shell -i bash -p hello'));
    const s = await apply('--dry-run=server', '-n', 'default', 'dry.sh');
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /configmap\/dry-sh-\S+ created \(server dry run\)/);
    assert.ok(patches().every((x) => x.query.dryRun === 'All'));
    assert.equal(fake.list('configmaps', 'default').filter((o) => JSON.stringify(o).includes('"dry-sh-')).length, 0);
    fake.requests.length = 0;
    const c = await apply('--dry-run=client', 'dry.sh');
    assert.match(c.stdout, /serverside-applied \(dry run\)/);
    assert.equal(fake.requests.length, 0);
  });

  it('a missing namespace names --create-namespace, which creates it', async () => {
    const r = await apply('-n', 'team-x', 'a.sh');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /namespace "team-x" does not exist\n {2}hint: .*--create-namespace/);
    const ok = await apply('-n', 'team-x', '--create-namespace', 'a.sh');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^namespace\/team-x created$/m);
    assert.ok(fake.get('namespaces', '', 'team-x'));
  });

  it('field-manager conflicts name --force-conflicts; forcing takes the fields back', async () => {
    const first = await apply('a.sh');
    const cm = /configmap\/(\S+)/.exec(first.stdout)?.[1] ?? '';
    // Someone else takes a label over with another value.
    fake.applyAs('kubectl', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm, labels: { 'nixpod.dev/script': 'hijacked' } } });
    const r = await apply('a.sh');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.metadata\.labels\.nixpod\.dev\/script\n {2}hint: .*--force-conflicts/);
    const forced = await apply('--force-conflicts', 'a.sh');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, new RegExp(`configmap/${cm} configured`));
    assert.equal((fake.get('configmaps', 'default', cm)?.metadata as { labels: Record<string, string> }).labels['nixpod.dev/script'], 'a-sh');
  });

  it('401 and 403 are explained', async () => {
    writeFileSync(kc, fake.kubeconfig('view'));
    const f = await apply('a.sh');
    assert.equal(f.code, 3);
    assert.match(f.stderr, /is forbidden: User "viewer" cannot patch resource "configmaps".*\n {2}hint: ask for RBAC permission/);
    writeFileSync(kc, fake.kubeconfig('wrong'));
    const u = await apply('a.sh');
    assert.equal(u.code, 3);
    assert.match(u.stderr, /did not accept the credentials \(401 Unauthorized\)/);
  });

  it('no Kubernetes configuration at all is a clear error, not localhost:8080', async () => {
    const r = await runCli(['apply', 'a.sh'], dir, { HOME: dir });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /no Kubernetes configuration/);
    assert.equal(fake.requests.length, 0);
  });

  it('--prune deletes what an earlier apply of the set made and this one does not, and nothing else', async () => {
    const first = await apply('--prune', 'a.sh', 'b.sh');
    assert.equal(first.code, 0, first.stderr);
    const bNames = [...first.stdout.matchAll(/^(?:configmap|pod)\/(b-sh-\S+) /gm)].map((m) => m[1]);
    const parent = fake.get('configmaps', 'default', 'nixpod') as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
    const id = parent.metadata.labels['applyset.kubernetes.io/id'] ?? '';
    assert.match(id, /^applyset-[A-Za-z0-9_-]{43}-v1$/);
    assert.match(parent.metadata.annotations['applyset.kubernetes.io/tooling'] ?? '', /^nixpod\/v/);
    assert.equal(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds'], 'ConfigMap,CronJob.batch,Job.batch,Pod');
    // Bystanders: unlabelled, and labelled but in another namespace.
    fake.applyAs('kubectl', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bystander' }, data: { a: 'b' } });
    fake.applyAs('kubectl', 'configmaps', 'kube-system', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', labels: { 'applyset.kubernetes.io/part-of': id } } });
    const r = await apply('--prune', 'a.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^configmap\/b-sh-\S+ deleted$/m);
    assert.match(r.stdout, /^pod\/b-sh-\S+ deleted$/m);
    const names = fake.list('configmaps', 'default').map((o) => (o.metadata as { name: string }).name);
    assert.ok(names.includes('bystander') && names.some((n) => n.startsWith('a-sh-')) && !names.some((n) => bNames.includes(n)), names.join(','));
    assert.ok(fake.get('configmaps', 'kube-system', 'elsewhere'));
    assert.ok(fake.requests.filter((x) => x.method === 'DELETE').every((x) => x.path.startsWith('/api/v1/namespaces/default/')));
  });

  it('--prune deletes a member only if it is still the object listed: one applied again meanwhile (by another set) is kept, and said', async () => {
    writeFileSync(join(dir, 'kc'), fake.kubeconfig('admin', 'moved'));
    const applyIn = (...args: string[]) => runCli(['apply', '--kubeconfig', 'kc', '--create-namespace', ...args], dir, { HOME: dir });
    assert.equal((await applyIn('--prune', 'a.sh', 'b.sh')).code, 0);
    let moved = '';
    // Between this prune's list and its delete, another set's apply takes b's Pod over (the same script: the same name).
    fake.faults.push({
      match: (x) => {
        const m = /\/namespaces\/moved\/pods\/(b-sh-\S+)$/.exec(x.path);
        if (x.method === 'DELETE' && m && moved === '') {
          moved = m[1] as string;
          const live = fake.get('pods', 'moved', moved) as { metadata: { labels: Record<string, string> }; spec: unknown };
          fake.applyAs('nixpod', 'pods', 'moved', { apiVersion: 'v1', kind: 'Pod', metadata: { name: moved, labels: { ...live.metadata.labels, 'applyset.kubernetes.io/part-of': 'applyset-other-v1' } }, spec: live.spec });
        }
        return false;
      },
      times: 1,
      kind: 'reset',
    });
    const r = await applyIn('--prune', 'a.sh');
    fake.faults.length = 0;
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(moved, '');
    assert.match(r.stdout, new RegExp(`^pod/${moved} kept: changed since it was listed \\(applied again meanwhile, maybe by another set\\): not pruned$`, 'm'));
    assert.ok(fake.get('pods', 'moved', moved), 'the Pod another set took over is still there');
    assert.match(r.stderr, /1 not pruned: changed since listed/);
    // Dry runs delete nothing, whatever they are asked (the body's options are the ones the server reads).
    const dry = await applyIn('--prune', '--dry-run=server', 'a.sh');
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(fake.get('pods', 'moved', moved));
  });

  it('--wait --logs streams each Pod log with its script name, and says why a Pod failed (exit 1)', async () => {
    writeFileSync(join(dir, 'fails.sh'), script('#! nix-shell -i bash -p jq', 'exit 2\n'));
    const ok = await apply('--logs', 'a.sh');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^\[a\.sh\] line one\n\[a\.sh\] line two$/m);
    assert.match(ok.stderr, /pod\/a-sh-\S+ \(a\.sh\) succeeded/);
    const bad = await apply('--wait', 'fails.sh');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /pod\/fails-sh-\S+ \(fails\.sh\) failed: the script exited with code 2/);
    // A Pod that never starts: the timeout, the reason, and its latest event.
    writeFileSync(join(dir, 'stuck.sh'), script('#! nix-shell -i bash -p jq', 'echo never\n'));
    const stuck = await apply('--wait', '--timeout', '1s', 'stuck.sh');
    assert.equal(stuck.code, 1);
    assert.match(stuck.stderr, /pod\/stuck-sh-\S+ \(stuck\.sh\) did not finish: ImagePullBackOff: Back-off pulling image "nixos\/nix:nope"\n {2}event: Failed: Back-off pulling image/);
  });

  it('transient failures are retried (429 with Retry-After, 500, reset) and the run converges', async () => {
    const patch = (r: { method: string }) => r.method === 'PATCH';
    fake.faults.push({ match: patch, times: 1, kind: 'status', status: 429, retryAfter: 0 }, { match: patch, times: 1, kind: 'status', status: 500 }, { match: patch, times: 1, kind: 'reset' });
    const r = await apply('a.sh', 'b.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fake.requests.filter((x) => x.status === 429 || x.status === 500).map((x) => `${x.method} ${x.status}`), ['PATCH 429', 'PATCH 500'], JSON.stringify(fake.requests.map((x) => [x.method, x.path, x.status])));
    const again = await apply('a.sh', 'b.sh');
    assert.equal((again.stdout.match(/ unchanged$/gm) ?? []).length, 4);
    for (const m of r.stdout.matchAll(/^(configmap|pod)\/(\S+) /gm)) assert.ok(fake.get(m[1] === 'pod' ? 'pods' : 'configmaps', 'default', m[2] as string), m[0]);
  });

  it('a failure that persists is reported per object, the others still apply, and a re-run converges', async () => {
    const onlyA = (r: { method: string; path: string }) => r.method === 'PATCH' && r.path.includes('/configmaps/a-sh-');
    fake.faults.push({ match: onlyA, times: 5, kind: 'status', status: 503 });
    const r = await apply('a.sh', 'b.sh');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /configmap\/a-sh-\S+: the API server kept failing \(503/);
    assert.match(r.stdout, /^pod\/b-sh-\S+ (created|unchanged)$/m);
    const again = await apply('a.sh', 'b.sh');
    assert.equal(again.code, 0, again.stderr);
  });

  it('a Pod whose spec differs is explained, and --replace recreates it', async () => {
    const first = await apply('a.sh');
    const name = /pod\/(\S+)/.exec(first.stdout)?.[1] ?? '';
    // Someone recreated the Pod by hand with another command, from nixpod's YAML (its labels).
    fake.deleteObject('pods', 'default', name);
    fake.applyAs('kubectl', 'pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'nixpod', 'nixpod.dev/script': 'a-sh' } }, spec: { containers: [{ name: 'main', image: 'nixos/nix:2.29.0', command: ['sleep', '1'] }] } });
    // As on a real server: first the field-manager conflict, then the immutable spec.
    const r = await apply('a.sh');
    assert.equal(r.code, 3);
    assert.match(r.stderr, new RegExp(`pod/${name}: Apply failed with 1 conflict: conflict with "kubectl": .spec.containers\\n {2}hint: .*--force-conflicts`));
    const forced = await apply('--force-conflicts', 'a.sh');
    assert.equal(forced.code, 3);
    assert.match(forced.stderr, new RegExp(`pod/${name}: the Pod already exists with a different spec.*\\n {2}hint: re-run with --replace`));
    const replaced = await apply('--force-conflicts', '--replace', 'a.sh');
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, new RegExp(`^pod/${name} replaced$`, 'm'));
    assert.equal((fake.get('pods', 'default', name)?.spec as { containers: { command: string[] }[] }).containers[0]?.command[0], 'nix-shell');
  });

  it('--replace never deletes a Pod that nixpod did not make: it says whose it is, and the Pod stays', async () => {
    const first = await apply('a.sh');
    const name = /pod\/(\S+)/.exec(first.stdout)?.[1] ?? '';
    fake.deleteObject('pods', 'default', name);
    // Another team's Pod, of the same name: not nixpod's labels, not nixpod's field manager.
    fake.applyAs('kubectl-run', 'pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { owner: 'other-team' } }, spec: { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '1'] }] } });
    for (const flags of [['--force-conflicts'], ['--force-conflicts', '--replace'], ['--force-conflicts', '--replace', '--dry-run=server']]) {
      const r = await apply(...flags, 'a.sh');
      assert.equal(r.code, 3, flags.join(' '));
      assert.match(r.stderr, new RegExp(`pod/${name}: a Pod of that name exists that nixpod did not make \\(its field managers: kubectl-run\\), with another spec: nixpod leaves it alone${flags.includes('--replace') ? ' \\(--replace deletes only nixpod\'s own Pods\\)' : ''}\\n {2}hint: if it is yours to replace, delete it yourself \\(kubectl delete -n default pod/${name}\\)`), flags.join(' '));
      assert.doesNotMatch(r.stdout, /replaced/);
      assert.equal((fake.get('pods', 'default', name)?.spec as { containers: { image: string }[] }).containers[0]?.image, 'busybox');
    }
  });

  it('KUBECONFIG lists merge with the first file winning; --context and the context namespace are used', async () => {
    const other = join(dir, 'other');
    writeFileSync(other, fake.kubeconfig('view', 'team-y', 'fake').replace(`"${fake.url}"`, '"https://127.0.0.1:1"'));
    writeFileSync(join(dir, 'second'), fake.kubeconfig('admin', 'default', 'second'));
    // First wins: "fake" from kc (admin), not from "other"; the namespace comes from the context.
    writeFileSync(join(dir, 'c.sh'), script('#! nix-shell -i bash -p hello'));
    const r = await runCli(['apply', '--dry-run=server', 'c.sh'], dir, { HOME: dir, KUBECONFIG: `${kc}:${other}` });
    assert.equal(r.code, 0, r.stderr);
    const viaContext = await runCli(['apply', '--dry-run=server', '--context', 'second', 'c.sh'], dir, { HOME: dir, KUBECONFIG: `${other}:${join(dir, 'second')}` });
    assert.equal(viaContext.code, 0, viaContext.stderr);
    const unknown = await runCli(['apply', '--context', 'nope', 'a.sh'], dir, { HOME: dir, KUBECONFIG: kc });
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /context "nope" does not exist/);
  });
});

describe('credentials', () => {
  let fake: FakeKube;
  before(async () => {
    fake = await new FakeKube({ users: { 'from-plugin': { name: 'plugin-user' } }, kubelet: () => null }).start();
  });
  after(() => fake.close());

  it('an exec credential plugin goes through @kubernetes/client-node, and the token is never printed', async () => {
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq'), 'cred.sh': '#!/bin/sh\necho \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-plugin"}}\'\n' });
    const { chmodSync } = await import('node:fs');
    chmodSync(join(dir, 'cred.sh'), 0o755);
    const kc = fake.kubeconfig('unused').replace(/users: \[.*\]/, `users: [{name: fake, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ${join(dir, 'cred.sh')}, interactiveMode: Never}}}]`);
    writeFileSync(join(dir, 'kc'), kc);
    const r = await runCli(['apply', '--kubeconfig', join(dir, 'kc'), 'a.sh'], dir, { HOME: dir, PATH: process.env.PATH });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fake.requests.every((x) => x.user === 'plugin-user'));
    assert.doesNotMatch(r.stdout + r.stderr, /from-plugin/);
  });

  it('TLS is verified: a server the kubeconfig does not trust is refused, with a hint', async () => {
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    writeFileSync(join(dir, 'kc'), fake.kubeconfig('from-plugin').replace(/certificate-authority-data: [A-Za-z0-9+/=]+/, 'certificate-authority-data: ""'));
    const r = await runCli(['apply', '--kubeconfig', join(dir, 'kc'), 'a.sh'], dir, { HOME: dir });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot reach the API server: .*certificate.*\n {2}hint: the server certificate is not trusted/);
  });
});
