import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { NixpodError } from '../core/errors.js';
import { loadK8s } from './load.js';
import type { KubeConfig } from '@kubernetes/client-node';

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

export interface Connection {
  kc: KubeConfig;
  server: string;
  namespace: string;
  context: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
type Named = { name: string; [k: string]: unknown };
type Config = { clusters?: Named[]; users?: Named[]; contexts?: Named[]; 'current-context'?: string; [k: string]: unknown };

/**
 * kubectl's rules: --kubeconfig, else KUBECONFIG (a `:`-separated list, merged,
 * the first file wins for a name), else ~/.kube/config, else in-cluster. No
 * configuration at all is an error: client-node would quietly use
 * http://localhost:8080.
 */
export async function connect(opts: ConnectOptions, env: Readonly<Record<string, string | undefined>>): Promise<Connection> {
  const k8s = await loadK8s();
  const kc = new k8s.KubeConfig();
  const files = opts.kubeconfig !== undefined ? [opts.kubeconfig] : env.KUBECONFIG ? env.KUBECONFIG.split(':').filter(Boolean) : [`${env.HOME ?? ''}/.kube/config`];
  const found = files.filter((f) => existsSync(f));
  if (opts.kubeconfig !== undefined && found.length === 0) throw new ClusterError(`--kubeconfig ${opts.kubeconfig}: no such file`, 'give the path of a kubeconfig file');
  if (found.length > 0) {
    kc.loadFromString(stringify(mergeKubeconfigs(found)));
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(`${SA_DIR}/token`)) {
    kc.loadFromCluster();
  } else {
    throw new ClusterError('no Kubernetes configuration: no --kubeconfig, no KUBECONFIG, no ~/.kube/config, and not running in a Pod', 'point --kubeconfig or KUBECONFIG at a kubeconfig file (as kubectl uses)');
  }
  if (opts.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) throw new ClusterError(`context "${opts.context}" does not exist in the kubeconfig`, `known contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`);
    kc.setCurrentContext(opts.context);
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) throw new ClusterError('the kubeconfig has no current context', 'pass --context NAME, or run: kubectl config use-context NAME');
  const inCluster = found.length === 0;
  const namespace = opts.namespace ?? kc.getContextObject(context)?.namespace ?? (inCluster ? readNamespaceFile() : undefined) ?? 'default';
  return { kc, server: cluster.server, namespace, context };
}

function readNamespaceFile(): string | undefined {
  try {
    return readFileSync(`${SA_DIR}/namespace`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
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
