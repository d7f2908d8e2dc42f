import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest, type AgentOptions, type RequestOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { hostOf } from './proxy.js';
import { socksConnect } from './socks.js';

/** The one agent of an Api: keep-alive sockets, through the connection's proxy when it has one. */
export function agentFor(conn: { proxy?: URL | undefined }, opts: AgentOptions = { keepAlive: true, maxSockets: 32 }): Agent {
  return conn.proxy ? new TunnelAgent(conn.proxy, opts) : new Agent(opts);
}

/** How long a proxy may take to open the tunnel (Go's dialer gives a connection 30 s). */
const HANDSHAKE_MS = 30_000;

/** The host to open a socket to: without an IPv6 literal's brackets. */
export const requestHost = hostOf;

type Callback = (err: Error | null, stream: Duplex) => void;

/**
 * HTTPS through a proxy: a SOCKS5 one (socks.ts), or an HTTP CONNECT tunnel, as Go's transport does it: CONNECT
 * host:port (with Proxy-Authorization from the proxy URL's user info), then
 * TLS to the API server inside the tunnel. An https:// proxy is itself
 * reached over TLS, trusting what the cluster trusts (Go reuses the
 * cluster's TLS config for it).
 */
export class TunnelAgent extends Agent {
  constructor(
    readonly proxy: URL,
    opts: AgentOptions,
  ) {
    super(opts);
  }

  override createConnection(options: RequestOptions, callback?: Callback): undefined {
    const cb = callback ?? (() => undefined);
    const host = options.host ?? options.hostname ?? 'localhost';
    const target = `${host.includes(':') ? `[${host}]` : host}:${String(options.port ?? 443)}`;
    const p = this.proxy;
    // A handshake that never ends must not hold the request: a deadline, and the request's own signal.
    const signal = (options as { signal?: AbortSignal }).signal;
    if (p.protocol.startsWith('socks')) {
      const hs = socksConnect(p, host.replace(/^\[(.*)\]$/, '$1'), Number(options.port ?? 443), HANDSHAKE_MS, (err, socket) => (err ? cb(err, undefined as unknown as Duplex) : cb(null, tlsConnect({ ...(options as ConnectionOptions), socket }))));
      signal?.addEventListener('abort', () => hs.destroy(), { once: true });
      return undefined;
    }
    const auth = p.username !== '' ? { 'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString('base64')}` } : {};
    const req: ClientRequest = (p.protocol === 'https:' ? httpsRequest : httpRequest)({
      host: hostOf(p),
      port: p.port || (p.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...auth },
      agent: false,
      ...(p.protocol === 'https:' && options.ca ? { ca: options.ca } : {}),
    });
    req.setTimeout(HANDSHAKE_MS, () => req.destroy(Object.assign(new Error(`no answer to CONNECT ${target} within ${HANDSHAKE_MS / 1000} s`), { code: 'ETIMEDOUT' })));
    signal?.addEventListener('abort', () => req.destroy(), { once: true });
    let done = false;
    const fail = (e: Error) => {
      if (!done) cb(Object.assign(e, { code: (e as NodeJS.ErrnoException).code ?? 'EPROXY' }), undefined as unknown as Duplex);
      done = true;
    };
    req.once('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        return fail(new Error(`proxy ${p.origin} refused CONNECT ${target}: ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim()));
      }
      done = true;
      req.setTimeout(0);
      cb(null, tlsConnect({ ...(options as ConnectionOptions), socket }));
    });
    req.once('error', (e) => fail(Object.assign(new Error(`proxy ${p.origin}: ${e.message}`), { code: (e as NodeJS.ErrnoException).code })));
    req.end();
    return undefined;
  }
}
