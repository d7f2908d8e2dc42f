import { ClusterError } from './errors.js';
import type { Entry } from './kubeconfig.js';

/**
 * The cluster's server as a URL. Like client-go (rest.DefaultServerURL), a
 * server without a scheme (`host:port`) gets https:// when TLS is configured
 * (a CA, a client certificate or insecure-skip-tls-verify), else http://.
 */
export function serverUrl(cluster: Entry, defaultTls: boolean): URL {
  const raw = cluster.body.server;
  const where = `cluster "${cluster.name}" in kubeconfig ${cluster.file}`;
  if (typeof raw !== 'string' || raw.trim() === '') throw new ClusterError(`${where} has no server`, 'set clusters[].cluster.server to the API server URL, e.g. https://host:6443');
  const u = raw.includes('://') ? tryUrl(raw) : tryUrl(`${defaultTls ? 'https' : 'http'}://${raw}`);
  if (!u || u.host === '') throw new ClusterError(`${where}: server ${JSON.stringify(raw)} is not a URL`, 'use https://host:port');
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ClusterError(`${where}: server ${JSON.stringify(raw)} has the unsupported scheme ${u.protocol.slice(0, -1)}`, 'use https://host:port');
  if (u.search !== '' || u.hash !== '') throw new ClusterError(`${where}: server ${JSON.stringify(raw)} has a query or fragment`, 'use https://host:port[/path]');
  return u;
}

function tryUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}
