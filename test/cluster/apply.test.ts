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
});
