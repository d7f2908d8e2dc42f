import { existsSync, readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { NixpodError } from '../core/errors.js';
import { loadK8s } from './load.js';

export class ClusterError extends NixpodError {
  constructor(message: string, hint?: string) {
    super('cluster', message, hint);
  }
}

export interface ConnectOptions {
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
}

/** Where to send requests, and how to authenticate them. */
export interface Connection {
  server: string;
  namespace: string;
  context: string;
  /** Adds TLS material and credentials to request options (never printed). */
  authenticate(opts: RequestOptions): Promise<void>;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
type Obj = Record<string, unknown>;
type Named = { name: string; [k: string]: unknown };
type Config = { clusters?: Named[]; users?: Named[]; contexts?: Named[]; 'current-context'?: string; [k: string]: unknown };

/**
 * kubectl's rules: --kubeconfig, else KUBECONFIG (a `:`-separated list, merged,
 * the first file wins for a name), else ~/.kube/config, else in-cluster. No
 * configuration at all is an error (client-node would quietly use
 * http://localhost:8080). Tokens, client certificates and CAs are read here;
 * exec and auth-provider plugins go through @kubernetes/client-node, loaded
 * only then (it takes most of a second to import).
 */
export async function connect(opts: ConnectOptions, env: Readonly<Record<string, string | undefined>>): Promise<Connection> {
  const files = opts.kubeconfig !== undefined ? [opts.kubeconfig] : env.KUBECONFIG ? env.KUBECONFIG.split(':').filter(Boolean) : [`${env.HOME ?? ''}/.kube/config`];
  const found = files.filter((f) => existsSync(f));
  if (opts.kubeconfig !== undefined && found.length === 0) throw new ClusterError(`--kubeconfig ${opts.kubeconfig}: no such file`, 'give the path of a kubeconfig file');
  if (found.length === 0) {
    if (env.KUBERNETES_SERVICE_HOST && existsSync(`${SA_DIR}/token`)) return inCluster(opts, env);
    throw new ClusterError('no Kubernetes configuration: no --kubeconfig, no KUBECONFIG, no ~/.kube/config, and not running in a Pod', 'point --kubeconfig or KUBECONFIG at a kubeconfig file (as kubectl uses)');
  }
  const config = mergeKubeconfigs(found);
  const contextName = opts.context ?? config['current-context'];
  if (!contextName) throw new ClusterError('the kubeconfig has no current context', 'pass --context NAME, or run: kubectl config use-context NAME');
  const ctx = config.contexts?.find((c) => c.name === contextName);
  if (!ctx) throw new ClusterError(`context "${contextName}" does not exist in the kubeconfig`, `known contexts: ${(config.contexts ?? []).map((c) => c.name).join(', ') || 'none'}`);
  const c = (ctx.context ?? {}) as Obj;
  const cluster = (config.clusters?.find((x) => x.name === c.cluster)?.cluster ?? undefined) as Obj | undefined;
  if (!cluster || typeof cluster.server !== 'string') throw new ClusterError(`context "${contextName}" names cluster "${String(c.cluster)}", which the kubeconfig does not define`, 'fix the kubeconfig');
  const user = (config.users?.find((x) => x.name === c.user)?.user ?? {}) as Obj;
  const namespace = opts.namespace ?? (typeof c.namespace === 'string' && c.namespace !== '' ? c.namespace : 'default');
  const base = { server: cluster.server, namespace, context: contextName };
  if (user.exec || user['auth-provider']) return { ...base, authenticate: await pluginAuth(found, contextName) };
  const tls = tlsOptions(cluster, user);
  const headers = authHeaders(user);
  return {
    ...base,
    async authenticate(o) {
      Object.assign(o, tls);
      o.headers = { ...o.headers, ...headers() };
    },
  };
}

function readMaybe(file: unknown, data: unknown): Buffer | undefined {
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
  if (typeof file === 'string' && file !== '') {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ClusterError(`cannot read ${file} named in the kubeconfig: ${(e as Error).message}`, 'fix the path in the kubeconfig');
    }
  }
  return undefined;
}

function tlsOptions(cluster: Obj, user: Obj): RequestOptions {
  const o: RequestOptions = {};
  const ca = readMaybe(cluster['certificate-authority'], cluster['certificate-authority-data']);
  if (ca) o.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) o.rejectUnauthorized = false;
  if (typeof cluster['tls-server-name'] === 'string') o.servername = cluster['tls-server-name'];
  const cert = readMaybe(user['client-certificate'], user['client-certificate-data']);
  const key = readMaybe(user['client-key'], user['client-key-data']);
  if (cert) o.cert = cert;
  if (key) o.key = key;
  return o;
}

function authHeaders(user: Obj): () => Record<string, string> {
  if (typeof user.token === 'string' && user.token !== '') {
    const t = user.token;
    return () => ({ authorization: `Bearer ${t}` });
  }
  if (typeof user.tokenFile === 'string') {
    const f = user.tokenFile;
    // Re-read: projected tokens rotate.
    return () => ({ authorization: `Bearer ${readFileSync(f, 'utf8').trim()}` });
  }
  if (typeof user.username === 'string') {
    const basic = Buffer.from(`${user.username}:${String(user.password ?? '')}`).toString('base64');
    return () => ({ authorization: `Basic ${basic}` });
  }
  return () => ({});
}

function inCluster(opts: ConnectOptions, env: Readonly<Record<string, string | undefined>>): Connection {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`;
  let fileNs: string | undefined;
  try {
    fileNs = readFileSync(`${SA_DIR}/namespace`, 'utf8').trim() || undefined;
  } catch {
    fileNs = undefined;
  }
  const tls = tlsOptions({ 'certificate-authority': `${SA_DIR}/ca.crt` }, {});
  const headers = authHeaders({ tokenFile: `${SA_DIR}/token` });
  return {
    server,
    namespace: opts.namespace ?? fileNs ?? 'default',
    context: 'in-cluster',
    async authenticate(o) {
      Object.assign(o, tls);
      o.headers = { ...o.headers, ...headers() };
    },
  };
}

/** exec / auth-provider credentials: client-node runs the plugin (and caches its token). */
async function pluginAuth(files: readonly string[], context: string): Promise<(o: RequestOptions) => Promise<void>> {
  const k8s = await loadK8s();
  const kc = new k8s.KubeConfig();
  const merged = mergeKubeconfigs(files);
  kc.loadFromString(JSON.stringify(merged));
  kc.setCurrentContext(context);
  return (o) => kc.applyToHTTPSOptions(o);
}

/** Merge kubeconfig files as kubectl does: for each name the first file wins; the first current-context wins. */
export function mergeKubeconfigs(files: readonly string[]): Config {
  const out: Config = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  for (const f of files) {
    let doc: Config;
    try {
      doc = (parse(readFileSync(f, 'utf8')) ?? {}) as Config;
    } catch (e) {
      throw new ClusterError(`${f}: not a readable kubeconfig: ${(e as Error).message.split('\n')[0]}`, 'fix the file, or point KUBECONFIG elsewhere');
    }
    absolutize(doc, dirname(resolve(f)));
    for (const list of ['clusters', 'users', 'contexts'] as const) {
      for (const item of doc[list] ?? []) if (!out[list]?.some((x) => x.name === item.name)) out[list]?.push(item);
    }
    if (!out['current-context'] && doc['current-context']) out['current-context'] = doc['current-context'];
  }
  return out;
}

/** Relative file references in a kubeconfig are relative to that file. */
function absolutize(doc: Config, base: string): void {
  const fix = (o: unknown, keys: string[]) => {
    if (o === null || typeof o !== 'object') return;
    const rec = o as Record<string, unknown>;
    for (const k of keys) if (typeof rec[k] === 'string' && !isAbsolute(rec[k] as string)) rec[k] = resolve(base, rec[k] as string);
  };
  for (const c of doc.clusters ?? []) fix(c.cluster, ['certificate-authority']);
  for (const u of doc.users ?? []) fix(u.user, ['client-certificate', 'client-key', 'tokenFile']);
}
