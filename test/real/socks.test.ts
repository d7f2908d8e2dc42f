import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { startMicrosocks, socksSkip, type Socks } from '../helpers/microsocks.js';
import { kubectl, kubeconfigFor, kubeSkip, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

/** proxy-url: socks5:// through a real SOCKS5 server (microsocks) to the real kube-apiserver, as kubectl goes. */
describe('real kube-apiserver through a SOCKS5 proxy', { skip: kubeSkip || socksSkip }, () => {
  let k: RealKube;
  let dir: string;
  let open: Socks;
  let locked: Socks;
  const kubeconfigVia = (proxyUrl: string): { kc: string; ns: string } => {
    const ns = newNamespace(k.kubeconfig, 'socks');
    const doc = JSON.parse(kubeconfigFor(k, { token: k.token }, ns)) as { clusters: { cluster: Record<string, unknown> }[] };
    Object.assign(doc.clusters[0]?.cluster ?? {}, { 'proxy-url': proxyUrl });
    const kc = join(dir, `kc-${ns}`);
    writeFileSync(kc, JSON.stringify(doc));
    return { kc, ns };
  };
  const apply = (kc: string) => runCli(['apply', '--kubeconfig', kc, 'a.sh'], dir, { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' });

  before(async () => {
    k = realKube();
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    open = await startMicrosocks();
    locked = await startMicrosocks('nix:p@ss w');
  });
  after(() => {
    open?.close();
    locked?.close();
  });

  it('socks5:// in proxy-url: apply goes through, and kubectl agrees on the same kubeconfig', async () => {
    const { kc, ns } = kubeconfigVia(open.url);
    const r = await apply(kc);
    assert.equal(r.code, 0, r.stderr);
    const got = kubectl(kc, ['-n', ns, 'get', 'configmaps,pods', '-l', 'app.kubernetes.io/managed-by=nixpod', '-o', 'name']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout.trim().split('\n').length, 2, got.stdout);
  });

  it('socks5h:// in proxy-url is refused, as kubectl refuses it', async () => {
    const { kc } = kubeconfigVia(open.url.replace('socks5', 'socks5h'));
    const r = await apply(kc);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /proxy-url: proxy "socks5h:\/\/127\.0\.0\.1:\d+": unsupported scheme "socks5h", must be http, https or socks5/);
    assert.match(kubectl(kc, ['get', 'pods']).stderr, /unsupported scheme "socks5h", must be http, https, or socks5/);
  });

  it('user and password from the URL (RFC 1929); wrong ones are one line, exit 3, no password shown', async () => {
    const good = kubeconfigVia(locked.url.replace('//', '//nix:p%40ss%20w@'));
    const r = await apply(good.kc);
    assert.equal(r.code, 0, r.stderr);
    const bad = kubeconfigVia(locked.url.replace('//', '//nix:wrong-secret@'));
    const refused = await apply(bad.kc);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, new RegExp(`proxy socks5://127\\.0\\.0\\.1:${locked.port}: refused the username and password`));
    assert.doesNotMatch(refused.stderr, /wrong-secret|\n\s+at /);
    const none = kubeconfigVia(locked.url);
    const noAuth = await apply(none.kc);
    assert.equal(noAuth.code, 3);
    assert.match(noAuth.stderr, /accepts none of the offered methods \(no authentication\)/);
  });

  it('a proxy that is not there: exit 3, one line naming it', async () => {
    const { kc } = kubeconfigVia(`socks5://127.0.0.1:${open.port === 9 ? 10 : 9}`);
    const r = await apply(kc);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /proxy socks5:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
