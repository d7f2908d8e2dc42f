import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { NixpodError } from '../core/errors.js';
import { agentFor, requestHost } from './agent.js';
import type { Connection } from './config.js';

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestSpec {
  method: 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
}

/** A transport failure (no HTTP status): refused, reset, TLS, timeout. A cluster error when nothing handles it closer. */
export class TransportError extends NixpodError {
  constructor(
    message: string,
    readonly errno: string | undefined,
  ) {
    const tls = /certificate|self.signed|unable to verify/i.test(message);
    super('cluster', `cannot reach the API server: ${message}`, tls ? 'the server certificate is not trusted: check certificate-authority in the kubeconfig' : 'check that the cluster is up and the kubeconfig points at it');
  }
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 200, maxDelayMs: 10_000 };

/**
 * Requests to the API server with the kubeconfig's TLS and credentials
 * (client-node fills them in), and retries with backoff for what is
 * transient: 429 (honouring Retry-After), 5xx, resets and timeouts.
 */
export class Api {
  /** Connections are kept open and reused: a few TLS handshakes for hundreds of requests. */
  private readonly agent: Agent;

  constructor(
    readonly conn: Connection,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    readonly userAgent = 'nixpod',
  ) {
    this.agent = agentFor(conn);
  }

  close(): void {
    this.agent.destroy();
  }

  async send(spec: RequestSpec): Promise<ApiResponse> {
    for (let attempt = 1, refreshed = false; ; attempt++) {
      try {
        const r = await this.once(spec);
        // A credential plugin's token was refused: fetch a new one and retry once (client-go drops it on 401).
        if (r.status === 401 && !refreshed && this.conn.refresh?.()) {
          refreshed = true;
          continue;
        }
        if (!RETRY_STATUS.has(r.status) || attempt >= this.retry.attempts) return r;
        await sleep(this.delay(attempt, r.headers['retry-after']));
      } catch (e) {
        if (!(e instanceof TransportError) || !RETRY_CODES.has(e.errno ?? '') || attempt >= this.retry.attempts) throw e;
        await sleep(this.delay(attempt, undefined));
      }
    }
  }

  /** A streaming GET (logs, watch): the response as it arrives. */
  async open(spec: RequestSpec): Promise<IncomingMessage> {
    const { req, done } = await this.start(spec, true);
    req.end();
    return done as Promise<IncomingMessage>;
  }

  private delay(attempt: number, retryAfter: string | string[] | undefined): number {
    const ra = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    if (Number.isFinite(ra) && ra >= 0) return Math.min(ra * 1000, this.retry.maxDelayMs);
    return Math.min(this.retry.baseMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2), this.retry.maxDelayMs);
  }

  private async once(spec: RequestSpec): Promise<ApiResponse> {
    const { req, done } = await this.start(spec, false);
    req.end(spec.body);
    return done as Promise<ApiResponse>;
  }

  private async start(spec: RequestSpec, stream: boolean): Promise<{ req: ReturnType<typeof httpsRequest>; done: Promise<ApiResponse | IncomingMessage> }> {
    const url = new URL(this.conn.server.replace(/\/+$/, '') + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const opts: import('node:https').RequestOptions = {
      method: spec.method,
      hostname: requestHost(url),
      port: url.port,
      path: url.pathname + url.search,
      headers: { accept: 'application/json', 'user-agent': this.userAgent, ...(spec.contentType ? { 'content-type': spec.contentType } : {}) },
      timeout: stream ? 0 : 30_000,
      ...(url.protocol === 'https:' ? { agent: this.agent } : {}),
    };
    await this.conn.authenticate(opts);
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    let req!: ReturnType<typeof httpsRequest>;
    const done = new Promise<ApiResponse | IncomingMessage>((resolve, reject) => {
      req = request(opts, (res) => {
        if (stream) return resolve(res);
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', (e: NodeJS.ErrnoException) => reject(new TransportError(e.message, e.code)));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('the request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => reject(new TransportError(e.message, e.code)));
    });
    return { req, done };
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
