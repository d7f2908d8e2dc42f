import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { delimiter, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { connect } from '../../src/cluster/config.js';
import { tempTree } from '../helpers/cli.js';
import { testPki } from '../helpers/fake-kube/tls.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

interface Used {
  server: string;
  ca: string;
  cert: string;
  key: string;
  authorization: string;
  namespace: string;
}

/** What kubectl will use, from its own flattened view of the selected context. */
function kubectlView(cwd: string, env: Record<string, string>, args: string[], userDir: string): Used {
  const r = spawnSync('kubectl', ['config', 'view', '--minify', '--raw', '--flatten', '-o', 'json', ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env } });
  assert.equal(r.status, 0, r.stderr);
  const v = JSON.parse(r.stdout) as { clusters: { cluster: Record<string, string> }[]; users?: { user: Record<string, string> }[]; contexts: { context: Record<string, string> }[] };
  const c = v.clusters[0]?.cluster ?? {};
  const u = v.users?.[0]?.user ?? {};
  const b = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString() : '');
  // client-go: tokenFile wins over token. `config view` prints it as written; kubectl reads it relative to the user's kubeconfig.
  const token = u.tokenFile ? readFileSync(resolve(userDir, u.tokenFile), 'utf8').trim() : u.token;
  return { server: c.server ?? '', ca: b(c['certificate-authority-data']), cert: b(u['client-certificate-data']), key: b(u['client-key-data']), authorization: token ? `Bearer ${token}` : '', namespace: v.contexts[0]?.context.namespace || 'default' };
}

/** What nixpod will use: the connection and the request options it fills in. */
async function nixpodView(cwd: string, env: Record<string, string>, kubeconfig: string | undefined, context: string | undefined): Promise<Used> {
  const conn = await connect({ kubeconfig, context, namespace: undefined }, { HOME: cwd, ...env }, { cwd });
  const o: RequestOptions = {};
  await conn.authenticate(o);
  const s = (x: unknown) => (x === undefined ? '' : String(x));
  return { server: conn.server, ca: s(o.ca), cert: s(o.cert), key: s(o.key), authorization: s((o.headers as Record<string, string> | undefined)?.authorization), namespace: conn.namespace };
}

/**
 * The loader held to `kubectl config view --minify --raw --flatten`: several
 * files merged through KUBECONFIG, relative certificate, key and token paths,
 * --context, context namespaces, user and cluster lookups.
 */
describe('kubeconfig loading agrees with kubectl', { skip: hasKubectl ? false : 'no kubectl' }, () => {
  const pki = testPki();
  const dir = tempTree({
    'a/certs/ca.crt': pki.caCert,
    'a/certs/client.crt': pki.serverCert,
    'a/certs/client.key': pki.serverKey,
    'b/token': 'file-token\n',
    'shared/ca.pem': pki.caCert,
    'a/config': stringify({
      'current-context': 'alpha',
      clusters: [{ name: 'one', cluster: { server: 'https://one.example:6443', 'certificate-authority': 'certs/ca.crt' } }],
      users: [{ name: 'cert-user', user: { 'client-certificate': 'certs/client.crt', 'client-key': './certs/client.key' } }],
      contexts: [
        { name: 'alpha', context: { cluster: 'one', user: 'cert-user', namespace: 'ns-alpha' } },
        { name: 'gamma', context: { cluster: 'two', user: 'token-user' } },
      ],
    }),
    'b/config': stringify({
      'current-context': 'beta',
      clusters: [
        { name: 'one', cluster: { server: 'https://shadowed.example' } },
        { name: 'two', cluster: { server: 'https://[fd00::1]:443/prefix', 'certificate-authority': '../shared/ca.pem' } },
      ],
      users: [
        { name: 'token-user', user: { token: 'inline-token', tokenFile: 'token' } },
        { name: 'plain', user: { token: 'plain-token' } },
        { name: 'cert-user', user: { token: 'shadowed' } },
      ],
      contexts: [
        { name: 'beta', context: { cluster: 'two', user: 'plain', namespace: 'ns-beta' } },
        { name: 'alpha', context: { cluster: 'two', user: 'plain' } },
        { name: 'delta', context: { cluster: 'one', user: 'cert-user' } },
      ],
    }),
  });
  const kc = (...files: string[]) => ({ KUBECONFIG: files.map((f) => join(dir, f, 'config')).join(delimiter) });
  const cases: { name: string; env: Record<string, string>; kubeconfig?: string; context?: string }[] = [
    { name: 'a then b, current-context of a', env: kc('a', 'b') },
    { name: 'b then a, current-context of b', env: kc('b', 'a') },
    { name: 'b then a, --context alpha (b\'s alpha wins)', env: kc('b', 'a'), context: 'alpha' },
    { name: 'a then b, --context gamma (cluster and user from b, tokenFile over token)', env: kc('a', 'b'), context: 'gamma' },
    { name: 'a then b, --context delta (cluster and user from a win)', env: kc('a', 'b'), context: 'delta' },
    { name: '--kubeconfig b/config, relative to the working directory', env: kc('a'), kubeconfig: 'b/config' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const args = [...(c.kubeconfig ? ['--kubeconfig', c.kubeconfig] : []), ...(c.context ? ['--context', c.context] : [])];
      const want = kubectlView(dir, c.env, args, join(dir, 'b'));
      const got = await nixpodView(dir, c.env, c.kubeconfig, c.context);
      // The same URL (https://h:443 and https://h are one server).
      const url = (u: string) => new URL(u).href;
      assert.deepEqual({ ...got, server: url(got.server) }, { ...want, server: url(want.server) });
    });
  }
});
