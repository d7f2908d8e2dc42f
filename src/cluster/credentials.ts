import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ClusterError } from './errors.js';
import type { Entry, Obj } from './kubeconfig.js';

/** The TLS part of request options: trust, client certificate, server name. Checked here, so that a bad PEM is named as such instead of surfacing as "unable to verify". */
export interface Tls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

const what = (e: Entry, kind: 'cluster' | 'user') => `${kind} "${e.name}" in kubeconfig ${e.file}`;

/** `X-data` (base64) wins over the file `X`, as in client-go. */
export function readMaterial(e: Entry, kind: 'cluster' | 'user', field: string): Buffer | undefined {
  const data = e.body[`${field}-data`];
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
  const file = e.body[field];
  if (typeof file !== 'string' || file === '') return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ClusterError(`${what(e, kind)}: cannot read ${field} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, `fix the ${field} path (relative paths are relative to the kubeconfig's folder)`);
  }
}

export function clusterTls(cluster: Entry): Tls {
  const tls: Tls = {};
  const ca = readMaterial(cluster, 'cluster', 'certificate-authority');
  if (ca) tls.ca = checkCertificates(ca, `${what(cluster, 'cluster')}: certificate-authority`);
  if (cluster.body['insecure-skip-tls-verify'] === true) {
    // client-go's own words for the same refusal.
    if (ca) throw new ClusterError(`${what(cluster, 'cluster')}: specifying a root certificates file with the insecure flag is not allowed`, 'remove either insecure-skip-tls-verify or certificate-authority(-data)');
    tls.rejectUnauthorized = false;
  }
  const sni = cluster.body['tls-server-name'];
  if (typeof sni === 'string' && sni !== '') tls.servername = sni;
  return tls;
}

/** A client certificate and key from the kubeconfig, or from a credential plugin: both or neither, parseable, and a pair. */
export function clientPair(cert: Buffer | undefined, key: Buffer | undefined, where: string): Pick<Tls, 'cert' | 'key'> {
  if (!cert && !key) return {};
  if (!cert || !key) throw new ClusterError(`${where}: has a client ${cert ? 'certificate but no key' : 'key but no certificate'}`, 'give both client-certificate(-data) and client-key(-data), or neither');
  const certs = checkCertificates(cert, `${where}: client-certificate`);
  let k: KeyObject;
  try {
    k = createPrivateKey(key);
  } catch (e) {
    throw new ClusterError(`${where}: client-key is not a readable PEM private key (${(e as Error).message})`, 'fix client-key(-data): it must be the PEM key of the client certificate');
  }
  if (!new X509Certificate(certs).checkPrivateKey(k)) throw new ClusterError(`${where}: client-key does not match client-certificate`, 'use the key the certificate was issued for');
  return { cert: certs, key };
}

export function userTls(user: Entry | undefined): Pick<Tls, 'cert' | 'key'> {
  if (!user) return {};
  return clientPair(readMaterial(user, 'user', 'client-certificate'), readMaterial(user, 'user', 'client-key'), what(user, 'user'));
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate must parse, and there must be one: Node would silently drop garbage and then fail to verify. */
export function checkCertificates(pem: Buffer, where: string): Buffer {
  const blocks = pem.toString('latin1').match(PEM) ?? [];
  const hint = 'it must hold PEM certificates (-----BEGIN CERTIFICATE-----); a -data field holds them base64-encoded';
  if (blocks.length === 0) throw new ClusterError(`${where} is not a PEM certificate`, hint);
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch (e) {
      throw new ClusterError(`${where} holds a certificate that cannot be parsed (${(e as Error).message})`, hint);
    }
  }
  return pem;
}

/** Static credentials, as client-go takes them: tokenFile wins over token (re-read every minute: projected tokens rotate), then username/password. */
export function staticAuth(user: Entry | undefined, now: () => number = Date.now): (() => string) | undefined {
  if (!user) return undefined;
  const b = user.body as Obj;
  const token = typeof b.token === 'string' && b.token !== '' ? b.token : undefined;
  const tokenFile = typeof b.tokenFile === 'string' && b.tokenFile !== '' ? b.tokenFile : undefined;
  const basic = typeof b.username === 'string' && b.username !== '';
  if (basic && (token || tokenFile)) throw new ClusterError(`${what(user, 'user')}: username/password or bearer token may be set, but not both`, 'keep one way to log in');
  if (tokenFile) {
    let read = { at: 0, value: '' };
    const load = () => {
      if (read.at !== 0 && now() - read.at < 60_000) return read.value;
      read = { at: now(), value: readTokenFile(user, tokenFile) };
      return read.value;
    };
    load(); // a missing file is an error now, at connect time, not a crash in the middle of an apply
    return () => `Bearer ${load()}`;
  }
  if (token) return () => `Bearer ${token}`;
  if (basic) {
    const v = `Basic ${Buffer.from(`${String(b.username)}:${String(b.password ?? '')}`).toString('base64')}`;
    return () => v;
  }
  return undefined;
}

function readTokenFile(user: Entry, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ClusterError(`${what(user, 'user')}: cannot read tokenFile ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'fix the tokenFile path (relative paths are relative to the kubeconfig\'s folder), or use token');
  }
}
