import { BlockList, isIP } from 'node:net';
import { ClusterError } from './errors.js';

/**
 * Which proxy a request to the API server goes through, as kubectl decides:
 * the cluster's `proxy-url` for every request when set (client-go's
 * http.ProxyURL), else the environment as Go's http.ProxyFromEnvironment
 * (golang.org/x/net/http/httpproxy) reads it: HTTPS_PROXY for https servers,
 * HTTP_PROXY for http ones (uppercase first), never for localhost or a
 * loopback IP, and not for hosts NO_PROXY matches.
 */
export type Env = Readonly<Record<string, string | undefined>>;

const envAny = (env: Env, ...names: string[]): string => names.map((n) => env[n]).find((v) => v !== undefined && v !== '') ?? '';

/**
 * The schemes Go takes for a proxy from the environment (socks5h: as socks5,
 * the proxy resolves names either way); a kubeconfig's proxy-url takes
 * http, https and socks5 only (client-go's validation, as kubectl says it).
 */
const ENV_SCHEMES = ['http:', 'https:', 'socks5:', 'socks5h:'];
const KUBECONFIG_SCHEMES = ['http:', 'https:', 'socks5:'];

/** Go's parseProxy: a bare `host:port` means http://host:port. */
export function parseProxyUrl(raw: string, where: string, schemes = ENV_SCHEMES): URL {
  let u: URL | undefined;
  try {
    u = new URL(raw);
    if (u.host === '') u = undefined;
  } catch {
    u = undefined;
  }
  if (!u) {
    try {
      u = new URL(`http://${raw}`);
    } catch {
      throw new ClusterError(`${where}: invalid proxy address ${JSON.stringify(raw)}`, 'give a URL such as http://proxy.example:3128');
    }
  }
  try {
    decodeURIComponent(u.username);
    decodeURIComponent(u.password);
  } catch {
    throw new ClusterError(`${where}: proxy address has a malformed %-escape in its user or password`, "write each special character of the user and password as %XX (e.g. '@' as %40, '%' as %25)");
  }
  if (!schemes.includes(u.protocol)) {
    const names = schemes.map((x) => x.slice(0, -1));
    throw new ClusterError(`${where}: proxy ${JSON.stringify(raw)}: unsupported scheme ${JSON.stringify(u.protocol.slice(0, -1))}, must be ${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`, `use ${names.map((n) => `${n}://`).join(', ')}`);
  }
  return u;
}

/** The proxy for `server`, or undefined for a direct connection. */
export function proxyFor(server: URL, proxyUrl: string | undefined, env: Env, where: string): URL | undefined {
  const proxy = chooseProxy(server, proxyUrl, env, where);
  // Go would forward plain-http requests through it; nixpod tunnels https only, and says so rather than going around the proxy.
  if (proxy && server.protocol === 'http:') throw new ClusterError(`${where}: the server ${server.origin} is plain http and would go through proxy ${proxy.origin}, which nixpod supports for https servers only`, 'use the https:// address of the API server, or list the host in NO_PROXY');
  return proxy;
}

function chooseProxy(server: URL, proxyUrl: string | undefined, env: Env, where: string): URL | undefined {
  if (proxyUrl) return parseProxyUrl(proxyUrl, `${where}: proxy-url`, KUBECONFIG_SCHEMES);
  const raw = server.protocol === 'https:' ? envAny(env, 'HTTPS_PROXY', 'https_proxy') : envAny(env, 'HTTP_PROXY', 'http_proxy');
  if (raw === '') return undefined;
  if (server.protocol === 'http:' && env.REQUEST_METHOD) return undefined; // Go refuses HTTP_PROXY under CGI
  const host = hostOf(server).toLowerCase();
  const port = server.port || (server.protocol === 'https:' ? '443' : '80');
  if (!useProxy(host, port, envAny(env, 'NO_PROXY', 'no_proxy'))) return undefined;
  return parseProxyUrl(raw, server.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY');
}

/** URL.hostname keeps an IPv6 literal's brackets; sockets, SNI and NO_PROXY want it bare. */
export const hostOf = (u: URL): string => u.hostname.replace(/^\[(.*)\]$/, '$1');

/** httpproxy's useProxy: loopback never, then `*`, CIDRs, IPs (with an optional port) and domain suffixes from NO_PROXY. */
export function useProxy(host: string, port: string, noProxy: string): boolean {
  if (host === 'localhost') return false;
  const family = isIP(host);
  if (family !== 0 && isLoopback(host, family)) return false;
  for (let p of noProxy.split(',')) {
    p = p.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return false;
    const cidr = /^(.+)\/(\d+)$/.exec(p);
    if (cidr && isIP(cidr[1] ?? '') !== 0) {
      if (family !== 0 && inCidr(host, family, cidr[1] ?? '', Number(cidr[2]))) return false;
      continue;
    }
    const hp = /^(.*):(\d*)$/.exec(p);
    const [rawHost, pport] = hp && isIP(p) !== 6 ? [hp[1] ?? '', hp[2] ?? ''] : [p, ''];
    let phost = rawHost.replace(/^\[(.*)\]$/, '$1');
    if (phost === '') continue;
    if (isIP(phost) !== 0) {
      if (family !== 0 && sameIp(phost, host) && (pport === '' || pport === port)) return false;
      continue;
    }
    if (family !== 0) continue; // a domain rule never matches an IP
    if (phost.startsWith('*.')) phost = phost.slice(1);
    const matchHost = !phost.startsWith('.');
    const suffix = matchHost ? `.${phost}` : phost;
    if ((host.endsWith(suffix) || (matchHost && host === phost)) && (pport === '' || pport === port)) return false;
  }
  return true;
}

function isLoopback(ip: string, family: number): boolean {
  const b = new BlockList();
  b.addSubnet('127.0.0.0', 8, 'ipv4');
  b.addAddress('::1', 'ipv6');
  b.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');
  return b.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

function inCidr(ip: string, family: number, net: string, prefix: number): boolean {
  const b = new BlockList();
  const nf = isIP(net) === 6 ? 'ipv6' : 'ipv4';
  try {
    b.addSubnet(net, prefix, nf);
  } catch {
    return false;
  }
  return b.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

function sameIp(a: string, b: string): boolean {
  const l = new BlockList();
  l.addAddress(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  return l.check(b, isIP(b) === 6 ? 'ipv6' : 'ipv4');
}
