import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cachedCredential, execInfo, parseExecCredential, type Credential } from '../../src/cluster/exec-credential.js';
import { findShapeError } from '../../src/cluster/kubeconfig-shape.js';
import { mergeKubeconfigs, parseKubeconfig, selectContext } from '../../src/cluster/kubeconfig.js';
import { proxyFor, useProxy } from '../../src/cluster/proxy.js';
import { serverUrl } from '../../src/cluster/server-url.js';

/** The pure parts of connecting: proxy choice, kubeconfig shapes and lookups, server URLs, the ExecCredential protocol. */
describe('NO_PROXY and proxy choice follow Go (golang.org/x/net/http/httpproxy)', () => {
  const cases: [host: string, port: string, noProxy: string, proxied: boolean][] = [
    ['localhost', '443', '', false],
    ['127.0.0.1', '443', '', false],
    ['127.9.9.9', '443', '', false],
    ['::1', '443', '', false],
    ['kube.example.com', '443', '', true],
    ['kube.example.com', '443', '*', false],
    ['kube.example.com', '443', 'example.com', false],
    ['example.com', '443', 'example.com', false],
    ['notexample.com', '443', 'example.com', true],
    ['kube.example.com', '443', '.example.com', false],
    ['example.com', '443', '.example.com', true],
    ['kube.example.com', '443', '*.example.com', false],
    ['kube.example.com', '443', ' Example.COM ', false],
    ['kube.example.com', '6443', 'example.com:443', true],
    ['kube.example.com', '443', 'example.com:443', false],
    ['10.1.2.3', '443', '10.0.0.0/8', false],
    ['11.1.2.3', '443', '10.0.0.0/8', true],
    ['10.1.2.3', '443', '10.1.2.3', false],
    ['10.1.2.3', '6443', '10.1.2.3:443', true],
    ['10.1.2.3', '443', '10.1.2.4', true],
    ['fd00::5', '443', 'fd00::/64', false],
    ['fd00::5', '443', '[fd00::5]:443', false],
    ['fd00::5', '443', 'fd00::5', false],
    ['10.1.2.3', '443', '3', true], // a domain rule never matches an IP
    ['kube.example.com', '443', 'foo,,bar, example.com', false],
  ];
  for (const [host, port, noProxy, proxied] of cases) {
    it(`${host}:${port} with NO_PROXY=${JSON.stringify(noProxy)} is ${proxied ? '' : 'not '}proxied`, () => assert.equal(useProxy(host, port, noProxy), proxied));
  }

  it('HTTPS_PROXY for https servers (uppercase first), HTTP_PROXY only for http ones; proxy-url always, loopback included', () => {
    const s = new URL('https://kube.example.com:6443');
    assert.equal(proxyFor(s, undefined, { HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2' }, 'x')?.host, 'a:1');
    assert.equal(proxyFor(s, undefined, { https_proxy: 'b:2' }, 'x')?.href, 'http://b:2/');
    assert.equal(proxyFor(s, undefined, { HTTP_PROXY: 'http://a:1' }, 'x'), undefined);
    assert.throws(() => proxyFor(new URL('http://kube.example.com'), undefined, { HTTP_PROXY: 'http://a:1' }, 'x'), /x: the server http:\/\/kube.example.com is plain http and would go through proxy http:\/\/a:1, which nixpod supports for https servers only/);
    assert.equal(proxyFor(new URL('http://kube.example.com'), undefined, { HTTP_PROXY: 'http://a:1', NO_PROXY: 'example.com' }, 'x'), undefined);
    assert.equal(proxyFor(new URL('http://localhost:8080'), undefined, { HTTP_PROXY: 'http://a:1' }, 'x'), undefined);
    assert.equal(proxyFor(new URL('https://[::1]:6443'), undefined, { HTTPS_PROXY: 'http://a:1' }, 'x'), undefined);
    assert.equal(proxyFor(new URL('https://127.0.0.1:6443'), 'http://p:3128', { NO_PROXY: '*' }, 'x')?.host, 'p:3128');
    assert.equal(proxyFor(s, 'socks5://u:p@p:1080', {}, 'cluster "c"')?.href, 'socks5://u:p@p:1080');
    assert.throws(() => proxyFor(s, 'socks5h://p:1080', {}, 'cluster "c"'), /cluster "c": proxy-url: proxy "socks5h:\/\/p:1080": unsupported scheme "socks5h", must be http, https or socks5/);
    assert.equal(proxyFor(s, undefined, { HTTPS_PROXY: 'socks5h://p:1080' }, 'x')?.protocol, 'socks5h:');
    assert.throws(() => proxyFor(s, undefined, { HTTPS_PROXY: 'socks4://p:1080' }, 'x'), /HTTPS_PROXY: proxy "socks4:\/\/p:1080": unsupported scheme "socks4", must be http, https, socks5 or socks5h/);
    assert.throws(() => proxyFor(s, 'socks5://al%ZZice:pw@p:1080', {}, 'cluster "c"'), /cluster "c": proxy-url: proxy address has a malformed %-escape in its user or password/);
    assert.throws(() => proxyFor(s, 'ftp://p:21', {}, 'c'), /unsupported scheme "ftp", must be http, https or socks5/);
  });
});

describe('kubeconfig shapes, merging and lookups', () => {
  it('names the first field of the wrong type, with its path', () => {
    assert.equal(findShapeError({ clusters: 5 }), 'clusters: expected a list, got the number 5');
    assert.equal(findShapeError({ clusters: [{ name: 'a', cluster: { server: ['x'] } }] }), 'clusters[0].cluster.server: expected a string, got a list');
    assert.equal(findShapeError({ users: [{ name: 'u', user: { exec: { args: 'a b' } } }] }), 'users[0].user.exec.args: expected a list, got the string "a b"');
    assert.equal(findShapeError({ clusters: [{ name: 'a', cluster: { 'insecure-skip-tls-verify': 'yes' } }] }), 'clusters[0].cluster.insecure-skip-tls-verify: expected true or false, got the string "yes"');
    assert.equal(findShapeError('text'), 'the document: expected a mapping, got the string "text"');
    assert.equal(findShapeError({ clusters: null, users: [], preferences: {}, unknown: 5 }), undefined);
  });

  it('the first file wins per name and for current-context; within a file the last entry wins; relative paths are made absolute per file', () => {
    const a = parseKubeconfig('current-context: a\nclusters: [{name: c, cluster: {server: https://one, certificate-authority: ca.crt}}, {name: c, cluster: {server: https://two}}]\ncontexts: [{name: a, context: {cluster: c}}]\n', '/k/a/config');
    const b = parseKubeconfig('current-context: b\nclusters: [{name: c, cluster: {server: https://three}}, {name: d, cluster: {server: https://four, certificate-authority: ../ca.crt}}]\nusers: [{name: u, user: {tokenFile: t, exec: {command: ./bin/p}}}, {name: v, user: {exec: {command: p}}}]\n', '/k/b/config');
    const m = mergeKubeconfigs([a, b]);
    assert.equal(m.currentContext, 'a');
    assert.equal(m.clusters.get('c')?.body.server, 'https://two');
    assert.equal(m.clusters.get('d')?.body['certificate-authority'], '/k/ca.crt');
    assert.equal(m.users.get('u')?.body.tokenFile, '/k/b/t');
    assert.equal((m.users.get('u')?.body.exec as { command: string }).command, '/k/b/bin/p');
    assert.equal((m.users.get('v')?.body.exec as { command: string }).command, 'p', 'a bare command is looked up in PATH');
  });

  it('dangling names are errors, never an anonymous or default connection', () => {
    const kc = parseKubeconfig('current-context: x\nclusters: [{name: c, cluster: {server: https://s}}]\ncontexts: [{name: x, context: {cluster: c, user: nobody}}, {name: y, context: {cluster: gone}}, {name: z, context: {cluster: c}}]\n', '/k/config');
    assert.throws(() => selectContext(kc, undefined), /context "x" in \/k\/config names user "nobody", which the kubeconfig does not define/);
    assert.throws(() => selectContext(kc, 'y'), /names cluster "gone"/);
    assert.throws(() => selectContext(kc, 'w'), /context "w" does not exist in kubeconfig \/k\/config/);
    assert.equal(selectContext(kc, 'z').user, undefined);
  });

  it('a server without a scheme gets https:// when TLS is configured, else http:// (client-go DefaultServerURL)', () => {
    const c = (server: unknown) => ({ name: 'c', file: '/k', body: { server } });
    assert.equal(serverUrl(c('10.0.0.1:6443'), true).href, 'https://10.0.0.1:6443/');
    assert.equal(serverUrl(c('localhost:6443'), false).href, 'http://localhost:6443/');
    assert.equal(serverUrl(c('https://[::1]:6443'), false).hostname, '[::1]');
    assert.throws(() => serverUrl(c(''), true), /cluster "c" in kubeconfig \/k has no server/);
    assert.throws(() => serverUrl(c('ftp://x'), true), /unsupported scheme ftp/);
    assert.throws(() => serverUrl(c('https://x:99999'), true), /is not a URL/);
  });
});

describe('the ExecCredential protocol', () => {
  const spec = { apiVersion: 'client.authentication.k8s.io/v1', where: 'user "u"' };
  const cred = (status: unknown, apiVersion = spec.apiVersion) => JSON.stringify({ kind: 'ExecCredential', apiVersion, status });

  it('reads a token, a certificate pair and the expiry; refuses what client-go refuses', () => {
    assert.deepEqual(parseExecCredential(cred({ token: 't', expirationTimestamp: '2030-01-01T00:00:00Z' }), spec), { token: 't', expiresAt: Date.parse('2030-01-01T00:00:00Z') });
    assert.equal(parseExecCredential(cred({ clientCertificateData: 'C', clientKeyData: 'K' }), spec).cert?.toString(), 'C');
    assert.throws(() => parseExecCredential(cred({ token: 't' }, 'client.authentication.k8s.io/v1beta1'), spec), /configured to use API version client.authentication.k8s.io\/v1, plugin returned version client.authentication.k8s.io\/v1beta1/);
    assert.throws(() => parseExecCredential(cred(undefined), spec), /didn't return a status field/);
    assert.throws(() => parseExecCredential(cred({}), spec), /didn't return a token or cert\/key pair/);
    assert.throws(() => parseExecCredential(cred({ clientKeyData: 'K' }), spec), /only certificate or key, not both/);
    assert.throws(() => parseExecCredential('Password:', spec), /printed no JSON/);
  });

  it('KUBERNETES_EXEC_INFO is what client-go sets, cluster info only when asked', () => {
    assert.equal(execInfo('client.authentication.k8s.io/v1', false, undefined), '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}');
    const cluster = { name: 'c', file: '/k', body: { server: 'https://127.0.0.1:9', 'certificate-authority-data': '', extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { a: 1 } }] } };
    // The very string kubectl 1.32 passed to a plugin for this cluster.
    assert.equal(execInfo('client.authentication.k8s.io/v1', false, cluster), '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"https://127.0.0.1:9","config":{"a":1}},"interactive":false}}');
  });

  it('one run for concurrent requests, again only after expiry, and at most one refresh per credential after a 401', async () => {
    let runs = 0;
    let now = 1000;
    let expiresAt: number | undefined = 2000;
    const c = cachedCredential(async (): Promise<Credential> => ({ token: `t${++runs}`, ...(expiresAt ? { expiresAt } : {}) }), () => now);
    const got = await Promise.all(Array.from({ length: 40 }, () => c.get()));
    assert.equal(runs, 1);
    assert.ok(got.every((g) => g.token === 't1'));
    now = 2000;
    expiresAt = undefined;
    await Promise.all([c.get(), c.get()]);
    assert.equal(runs, 2);
    now = 1e12;
    assert.equal((await c.get()).token, 't2', 'no expiry: kept');
    assert.equal(c.refresh(), true);
    assert.equal((await c.get()).token, 't3');
    assert.equal(c.refresh(), false, 'the refreshed credential is not refreshed again');
    assert.equal(runs, 3);
  });

  it('a failed run is not kept', async () => {
    let runs = 0;
    const c = cachedCredential(async () => {
      if (++runs === 1) throw new Error('boom');
      return { token: 'ok' };
    });
    await assert.rejects(c.get(), /boom/);
    assert.equal((await c.get()).token, 'ok');
  });
});
