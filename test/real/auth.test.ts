import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { startConnectProxy } from '../cluster/connect-proxy-server.js';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { getJson, kubeconfigFor, kubeSkip, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

/** Each way of logging in, against a real kube-apiserver: what it accepts is what nixpod sends. */
describe('real kube-apiserver: credentials and proxies', { skip: kubeSkip }, () => {
  let k: RealKube;
  let dir: string;
  const applyAs = async (user: Record<string, unknown>, cluster: Record<string, unknown> = {}) => {
    const ns = newNamespace(k.kubeconfig, 'auth');
    const doc = JSON.parse(kubeconfigFor(k, user, ns)) as { clusters: { cluster: Record<string, unknown> }[] };
    Object.assign(doc.clusters[0]?.cluster ?? {}, cluster);
    writeFileSync(join(dir, 'kc'), JSON.stringify(doc));
    const r = await runCli(['apply', '--kubeconfig', 'kc', 'a.sh'], dir, { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' });
    return { ...r, ns };
  };
  const applied = (ns: string) => getJson<{ items: unknown[] }>(k.kubeconfig, ['-n', ns, 'configmaps,pods', '-l', 'app.kubernetes.io/managed-by=nixpod']).items.length;

  before(() => {
    k = realKube();
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
  });

  it('a bearer token, and tokenFile over token', async () => {
    const r = await applyAs({ token: k.token });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(applied(r.ns), 2);
    writeFileSync(join(dir, 'tok'), `${k.token}\n`);
    const f = await applyAs({ token: 'not-the-token', tokenFile: 'tok' });
    assert.equal(f.code, 0, f.stderr);
  });

  it('a client certificate (relative paths), from files and as -data', async () => {
    writeFileSync(join(dir, 'admin.crt'), readFileSync(k.certFile));
    writeFileSync(join(dir, 'admin.key'), readFileSync(k.keyFile));
    const r = await applyAs({ 'client-certificate': 'admin.crt', 'client-key': 'admin.key' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(applied(r.ns), 2);
    const d = await applyAs({ 'client-certificate-data': readFileSync(k.certFile).toString('base64'), 'client-key-data': readFileSync(k.keyFile).toString('base64') });
    assert.equal(d.code, 0, d.stderr);
  });

  it('an exec plugin giving a token, run once; one giving a client certificate', async () => {
    writeFileSync(join(dir, 'runs'), '');
    const plugin = (status: Record<string, string>) => {
      writeFileSync(join(dir, 'plugin'), `#!/bin/sh\necho run >> "$(dirname "$0")/runs"\ncat <<'EOF'\n${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status })}\nEOF\n`);
      chmodSync(join(dir, 'plugin'), 0o755);
    };
    const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin', interactiveMode: 'Never' };
    plugin({ token: k.token, expirationTimestamp: new Date(Date.now() + 600_000).toISOString() });
    const r = await applyAs({ exec });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(applied(r.ns), 2);
    assert.equal(readFileSync(join(dir, 'runs'), 'utf8'), 'run\n');
    plugin({ clientCertificateData: readFileSync(k.certFile, 'utf8'), clientKeyData: readFileSync(k.keyFile, 'utf8') });
    const c = await applyAs({ exec });
    assert.equal(c.code, 0, c.stderr);
    assert.equal(applied(c.ns), 2);
  });

  it('impersonation (as, as-groups) is sent: an impersonated user without rights is refused by name', async () => {
    const r = await applyAs({ token: k.token, as: 'nobody-at-all', 'as-groups': ['no-group'] });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /nobody-at-all/);
    assert.equal(applied(r.ns), 0);
  });

  it('through a CONNECT proxy (proxy-url)', async () => {
    const proxy = await startConnectProxy();
    try {
      const r = await applyAs({ token: k.token }, { 'proxy-url': proxy.url });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(proxy.tunnels.length >= 1 && proxy.tunnels.every((t) => t === new URL(k.server).host), proxy.tunnels.join());
    } finally {
      await proxy.close();
    }
  });
});
