import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { Api } from '../../src/cluster/http.js';
import { inCluster } from '../../src/cluster/in-cluster.js';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';
import { startConnectProxy, startForwarder } from './connect-proxy-server.js';

const execFileP = promisify(execFile);

/** A kubeconfig for the fake with its CA, the given server and extra cluster fields, and a token user. */
export function kubeconfig(fake: FakeKube, cluster: Record<string, unknown> = {}, user: Record<string, unknown> = { token: 'admin' }): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'c',
    clusters: [{ name: 'c', cluster: { server: fake.url, 'certificate-authority-data': Buffer.from(fake.caCert).toString('base64'), ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
  });
}

/** Proxies (proxy-url, HTTPS_PROXY/NO_PROXY) and IPv6, against the loopback fake through a loopback CONNECT proxy. */
describe('connecting through proxies and over IPv6', () => {
  let fake: FakeKube;
  let dir: string;
  const port = () => new URL(fake.url).port;
  const apply = (kc: Record<string, unknown>[] | string, env: Record<string, string> = {}) => {
    writeFileSync(join(dir, 'kc'), typeof kc === 'string' ? kc : kubeconfig(fake, ...(kc as [Record<string, unknown>])));
    return runCli(['apply', '--kubeconfig', 'kc', '-n', 'default', 'a.sh'], dir, { HOME: dir, ...env });
  };

  before(async () => {
    fake = await new FakeKube({ users: { admin: { name: 'admin' } } }).start();
  });
  after(() => fake.close());
  beforeEach(() => {
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    fake.requests.length = 0;
  });

  it('proxy-url: every request goes through one CONNECT tunnel per socket, loopback included (client-go uses it for every host)', async () => {
    const proxy = await startConnectProxy();
    try {
      const r = await apply([{ 'proxy-url': proxy.url }], { NO_PROXY: '*' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /configmap\/a-sh-\w+ created/);
      assert.ok(proxy.tunnels.length >= 1 && proxy.tunnels.every((t) => t === `127.0.0.1:${port()}`), proxy.tunnels.join());
      assert.ok(proxy.tunnels.length < fake.requests.length, 'sockets are kept alive through the tunnel');
    } finally {
      await proxy.close();
    }
  });

  it('HTTPS_PROXY reaches a server only the proxy can resolve; NO_PROXY (suffix, host:port) bypasses it; loopback servers never use it', async () => {
    const proxy = await startConnectProxy({ map: { [`kube.invalid:${port()}`]: `127.0.0.1:${port()}` } });
    try {
      const remote = [{ server: `https://kube.invalid:${port()}`, 'tls-server-name': 'localhost' }];
      const via = await apply(remote, { https_proxy: proxy.url });
      assert.equal(via.code, 0, via.stderr);
      assert.ok(proxy.tunnels.length >= 1 && proxy.tunnels.every((t) => t === `kube.invalid:${port()}`));
      const other = await apply(remote, { HTTPS_PROXY: proxy.url, NO_PROXY: `kube.invalid:1,other.example` });
      assert.equal(other.code, 0, 'NO_PROXY for another port or host does not bypass');
      for (const noProxy of ['.invalid', 'kube.invalid', `kube.invalid:${port()}`, '*']) {
        const before = proxy.tunnels.length;
        const direct = await apply(remote, { HTTPS_PROXY: proxy.url, no_proxy: noProxy });
        assert.equal(direct.code, 3, noProxy);
        assert.match(direct.stderr, /cannot reach the API server: getaddrinfo ENOTFOUND kube\.invalid/);
        assert.equal(proxy.tunnels.length, before, noProxy);
      }
      const before = proxy.tunnels.length;
      assert.equal((await apply([{}], { HTTPS_PROXY: proxy.url })).code, 0);
      assert.equal(proxy.tunnels.length, before, '127.0.0.1 is never proxied from the environment');
    } finally {
      await proxy.close();
    }
  });

  it('kubectl makes the same choice through the same proxy', { skip: spawnSync('kubectl', ['version', '--client']).status === 0 ? false : 'no kubectl' }, async () => {
    const proxy = await startConnectProxy({ map: { [`kube.invalid:${port()}`]: `127.0.0.1:${port()}` } });
    try {
      writeFileSync(join(dir, 'kc'), kubeconfig(fake, { server: `https://kube.invalid:${port()}`, 'tls-server-name': 'localhost' }));
      // Not spawnSync: the proxy runs in this process.
      const kubectl = (env: Record<string, string>) =>
        execFileP('kubectl', ['--kubeconfig', join(dir, 'kc'), 'get', '--raw', '/version', '--request-timeout=10s'], { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env } }).then(
          () => 0,
          (e: { code?: number }) => e.code ?? 1,
        );
      assert.equal(await kubectl({ HTTPS_PROXY: proxy.url }), 0);
      const n = proxy.tunnels.length;
      assert.ok(n >= 1);
      assert.notEqual(await kubectl({ HTTPS_PROXY: proxy.url, NO_PROXY: '.invalid' }), 0);
      assert.equal(proxy.tunnels.length, n);
    } finally {
      await proxy.close();
    }
  });

  it('proxy credentials from the URL; a refused CONNECT is a one-line cluster error naming the proxy', async () => {
    const proxy = await startConnectProxy({ auth: 'me:p@ss' });
    try {
      const ok = await apply([{ 'proxy-url': proxy.url.replace('//', '//me:p%40ss@') }]);
      assert.equal(ok.code, 0, ok.stderr);
      const refused = await apply([{ 'proxy-url': proxy.url.replace('//', '//me:wrong@') }]);
      assert.equal(refused.code, 3);
      assert.match(refused.stderr, new RegExp(`cannot reach the API server: proxy http://127.0.0.1:\\d+ refused CONNECT 127.0.0.1:${port()}: 407`));
      assert.doesNotMatch(refused.stderr, /wrong|internal|\n\s+at /, 'no password, no stack trace');
      const socks = await apply([{ 'proxy-url': 'socks4://127.0.0.1:1080' }]);
      assert.equal(socks.code, 3);
      assert.match(socks.stderr, /cluster "c" in kubeconfig .*kc: proxy-url: proxy "socks4:\/\/127.0.0.1:1080": unsupported scheme "socks4", must be http, https or socks5/);
    } finally {
      await proxy.close();
    }
  });

  it('an IPv6 server URL (https://[::1]:PORT) works, certificate checked against ::1', async () => {
    const fwd = await startForwarder('::1', Number(port()));
    try {
      const r = await apply([{ server: `https://[::1]:${fwd.port}` }]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /pod\/a-sh-\w+ (created|unchanged)/);
      assert.ok(fake.requests.length > 0);
    } finally {
      await fwd.close();
    }
  });

  it('the in-cluster configuration builds https://[::1]:PORT from an IPv6 KUBERNETES_SERVICE_HOST and connects', async () => {
    const fwd = await startForwarder('::1', Number(port()));
    const sa = mkdtempSync(join(tmpdir(), 'nixpod-sa-'));
    writeFileSync(join(sa, 'token'), 'admin\n');
    writeFileSync(join(sa, 'ca.crt'), fake.caCert);
    writeFileSync(join(sa, 'namespace'), 'kube-system');
    const api = new Api(inCluster(undefined, { KUBERNETES_SERVICE_HOST: '::1', KUBERNETES_SERVICE_PORT: String(fwd.port) }, sa));
    try {
      assert.equal(api.conn.server, `https://[::1]:${fwd.port}`);
      assert.equal(api.conn.namespace, 'kube-system');
      const r = await api.send({ method: 'GET', path: '/api/v1/namespaces/kube-system' });
      assert.equal(r.status, 200, r.body);
      assert.equal(fake.requests.at(-1)?.user, 'admin');
    } finally {
      api.close();
      await fwd.close();
    }
  });
});
