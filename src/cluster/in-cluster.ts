import { readFileSync } from 'node:fs';
import { clusterTls, staticAuth } from './credentials.js';
import { ClusterError } from './errors.js';
import type { Connection } from './config.js';
import type { Env } from './proxy.js';
import { proxyFor } from './proxy.js';

export const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** client-go's InClusterConfig: https://HOST:PORT (an IPv6 host in brackets), the ServiceAccount's token (re-read), CA and namespace. */
export function inCluster(namespace: string | undefined, env: Env, dir = SA_DIR): Connection {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '';
  if (host === '' || port === '') throw new ClusterError('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined', 'run inside a Pod, or give a kubeconfig');
  const server = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`);
  let fileNs: string | undefined;
  try {
    fileNs = readFileSync(`${dir}/namespace`, 'utf8').trim() || undefined;
  } catch {
    fileNs = undefined;
  }
  const file = `${dir} (in-cluster)`;
  const tls = clusterTls({ name: 'in-cluster', file, body: { 'certificate-authority': `${dir}/ca.crt` } });
  const header = staticAuth({ name: 'in-cluster', file, body: { tokenFile: `${dir}/token` } });
  return {
    server: server.origin,
    namespace: namespace ?? fileNs ?? 'default',
    context: 'in-cluster',
    proxy: proxyFor(server, undefined, env, 'in-cluster'),
    async authenticate(o) {
      Object.assign(o, tls);
      if (header) o.headers = { ...o.headers, authorization: header() };
    },
  };
}
