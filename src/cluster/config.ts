import { existsSync, readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { clientPair, clusterTls, staticAuth, userTls, type Tls } from './credentials.js';
import { ClusterError } from './errors.js';
import { cachedCredential, execSpec, runPlugin } from './exec-credential.js';
import { inCluster, SA_DIR } from './in-cluster.js';
import { kubeconfigPaths, mergeKubeconfigs, parseKubeconfig, selectContext, type Selection } from './kubeconfig.js';
import { loadK8s } from './load.js';
import { proxyFor, type Env } from './proxy.js';
import { serverUrl } from './server-url.js';

export { ClusterError } from './errors.js';

export interface ConnectOptions {
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
}

/** Where the CLI runs: relative --kubeconfig/KUBECONFIG paths, a plugin's stderr, whether a plugin may prompt. */
export interface ConnectEnv {
  cwd?: string;
  stderr?: (text: string) => void;
  stdinIsTerminal?: boolean;
  /** The command's signal: a credential plugin still running when it aborts is ended. */
  signal?: AbortSignal;
}

/** Where to send requests, and how to authenticate them. */
export interface Connection {
  server: string;
  namespace: string;
  context: string;
  /** The proxy every request goes through (proxy-url, or HTTPS_PROXY/NO_PROXY); undefined: direct. */
  proxy?: URL | undefined;
  /** Adds TLS material and credentials to request options (never printed). */
  authenticate(opts: RequestOptions): Promise<void>;
  /** After a 401: drop a plugin credential so the next request fetches a new one; true when worth retrying. */
  refresh?(): boolean;
}

/**
 * kubectl's rules: --kubeconfig, else KUBECONFIG (merged, the first file wins
 * for a name), else ~/.kube/config, else in-cluster. No configuration at all
 * is an error (client-node would quietly use http://localhost:8080), and so
 * is everything kubectl would refuse. Tokens, certificates, proxies and exec
 * plugins are handled here; only auth-provider loads @kubernetes/client-node.
 */
export async function connect(opts: ConnectOptions, env: Env, where: ConnectEnv = {}): Promise<Connection> {
  const paths = kubeconfigPaths(opts.kubeconfig, env, where.cwd ?? process.cwd());
  const found = paths.filter((f) => existsSync(f));
  if (opts.kubeconfig !== undefined && found.length === 0) throw new ClusterError(`--kubeconfig ${opts.kubeconfig}: no such file`, 'give the path of a kubeconfig file');
  if (found.length === 0) {
    if (env.KUBERNETES_SERVICE_HOST && existsSync(`${SA_DIR}/token`)) return inCluster(opts.namespace, env);
    throw new ClusterError('no Kubernetes configuration: no --kubeconfig, no KUBECONFIG, no ~/.kube/config, and not running in a Pod', 'point --kubeconfig or KUBECONFIG at a kubeconfig file (as kubectl uses)');
  }
  const kc = mergeKubeconfigs(found.map((f) => parseKubeconfig(readKubeconfig(f), f)));
  const sel = selectContext(kc, opts.context);
  const tls = clusterTls(sel.cluster);
  const clientCert = userTls(sel.user);
  const server = serverUrl(sel.cluster, Boolean(tls.ca || clientCert.cert || tls.rejectUnauthorized === false));
  const impersonate = impersonation(sel.user);
  const base = {
    server: server.href.replace(/\/+$/, ''),
    namespace: opts.namespace ?? sel.namespace ?? 'default',
    context: sel.context,
    proxy: proxyFor(server, sel.cluster.body['proxy-url'] as string | undefined, env, `cluster "${sel.cluster.name}" in kubeconfig ${sel.cluster.file}`),
  };
  const conn = await authenticated(sel, base, { ...tls, ...clientCert }, env, where);
  if (Object.keys(impersonate).length === 0) return conn;
  return {
    ...conn,
    async authenticate(o) {
      await conn.authenticate(o);
      o.headers = { ...o.headers, ...impersonate };
    },
  };
}

async function authenticated(sel: Selection, base: Omit<Connection, 'authenticate'>, tls: Tls, env: Env, where: ConnectEnv): Promise<Connection> {
  if (sel.user?.body['auth-provider']) return { ...base, authenticate: await authProvider(sel) };
  if (sel.user?.body.exec && !sel.user.body.token && !sel.user.body.tokenFile) return { ...base, ...(await execAuth(sel, tls, env, where)) };
  const header = staticAuth(sel.user);
  return {
    ...base,
    async authenticate(o) {
      Object.assign(o, tls);
      if (header) o.headers = { ...o.headers, authorization: header() };
    },
  };
}

/** kubectl's `as`, `as-uid`, `as-groups` and `as-user-extra`: the Impersonate-* headers. */
export function impersonation(user: Selection['user']): Record<string, string | string[]> {
  const b = user?.body ?? {};
  const h: Record<string, string | string[]> = {};
  if (typeof b.as === 'string' && b.as !== '') h['impersonate-user'] = b.as;
  if (typeof b['as-uid'] === 'string' && b['as-uid'] !== '') h['impersonate-uid'] = b['as-uid'];
  if (Array.isArray(b['as-groups']) && b['as-groups'].length > 0) h['impersonate-group'] = b['as-groups'] as string[];
  for (const [k, v] of Object.entries((b['as-user-extra'] ?? {}) as Record<string, string[]>)) h[`impersonate-extra-${encodeURIComponent(k)}`] = v;
  return h;
}

function readKubeconfig(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ClusterError(`kubeconfig ${file}: cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'fix its permissions, or point --kubeconfig/KUBECONFIG elsewhere');
  }
}

/** A credential plugin, run once now (a missing or failing plugin is an error before any request) and again only when its credential expires or is refused. */
async function execAuth(sel: Selection, tls: Tls, env: Env, where: ConnectEnv): Promise<Pick<Connection, 'authenticate' | 'refresh'>> {
  const user = sel.user as NonNullable<Selection['user']>;
  const spec = execSpec(user, sel.cluster, where.stdinIsTerminal ?? false);
  const cred = cachedCredential(() => runPlugin(spec, env, where.stderr ?? (() => undefined), where.signal));
  const check = (c: Awaited<ReturnType<typeof cred.get>>) => (c.cert ? clientPair(c.cert, c.key, `${spec.where}: the credential plugin's certificate`) : {});
  check(await cred.get());
  return {
    async authenticate(o) {
      const c = await cred.get();
      Object.assign(o, tls, check(c));
      if (c.token) o.headers = { ...o.headers, authorization: `Bearer ${c.token}` };
    },
    refresh: () => cred.refresh(),
  };
}

/** auth-provider (oidc and the like): client-node handles it, loaded only here, given just the selected context. */
async function authProvider(sel: Selection): Promise<(o: RequestOptions) => Promise<void>> {
  const k8s = await loadK8s();
  const kc = new k8s.KubeConfig();
  const user = sel.user as NonNullable<Selection['user']>;
  kc.loadFromString(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': sel.context,
      clusters: [{ name: sel.cluster.name, cluster: sel.cluster.body }],
      users: [{ name: user.name, user: user.body }],
      contexts: [{ name: sel.context, context: { cluster: sel.cluster.name, user: user.name } }],
    }),
  );
  return async (o) => {
    try {
      await kc.applyToHTTPSOptions(o);
    } catch (e) {
      throw new ClusterError(`user "${user.name}" in kubeconfig ${user.file}: auth-provider ${JSON.stringify((user.body['auth-provider'] as { name?: string }).name ?? '')}: ${(e as Error).message.split('\n')[0]}`, 'fix the auth-provider entry, or log in again (kubectl would fail the same way)');
    }
  };
}
