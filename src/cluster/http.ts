import { Agent, request as httpsRequest, type AgentOptions, type RequestOptions } from 'node:https';
import { setMaxListeners } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { NixpodError } from '../core/errors.js';
import { agentFor, requestHost } from './agent.js';
import { abortableSleep, CancelledError, checkSignal, type Lifetime } from './cancel.js';
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

export interface SendOptions {
  /** Instead of the command's signal: cleanup runs on its own short deadline after the command was aborted. */
  signal?: AbortSignal | undefined;
}

export interface OpenOptions extends SendOptions {
  /** No bytes for this long: the stream is dropped (an error on the response), so the caller reconnects. */
  idleMs?: number;
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

/**
 * Server-side apply answers 500 when the object does not fit the schema's
 * types (a number where a string goes): not a failing cluster, and final.
 */
export function isMalformedObject(r: ApiResponse): boolean {
  return r.status === 500 && /failed to create typed patch object/.test(r.body);
}

const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);
/** Failures that, once they outlast every retry, say the server cannot be reached at all (not a reset: a flaky proxy drops some requests, not all). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);

export interface RetryPolicy {
  /** Attempts for 5xx answers and transport failures. */
  attempts: number;
  /** Attempts for answers that say when to come back (429, or any Retry-After): as client-go, 10 retries. */
  retryAfterAttempts: number;
  baseMs: number;
  maxDelayMs: number;
  /** The longest Retry-After honoured (a longer one is waited this long). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, retryAfterAttempts: 11, baseMs: 200, maxDelayMs: 10_000, maxRetryAfterMs: 120_000 };

/** Retry-After in milliseconds: delay-seconds or an HTTP-date (RFC 9110); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface ApiOptions extends Partial<Lifetime> {
  retry?: RetryPolicy;
  userAgent?: string;
}

/**
 * The agents: requests share a bounded pool of kept-alive connections; streams
 * (followed logs) get their own, unbounded, so that many followed Pods never
 * starve the polling. The one place agents are made (a proxy tunnel goes here).
 */
function newAgent(conn: Connection, opts: AgentOptions): Agent {
  return agentFor(conn, opts);
}

/**
 * Requests to the API server with the kubeconfig's TLS and credentials, under
 * the command's signal (SIGINT, SIGTERM, --timeout), with retries for what is
 * transient: 429 and Retry-After (honoured, up to the deadline), 5xx, resets.
 */
export class Api {
  private readonly pool: Agent;
  private readonly streams: Agent;
  readonly signal: AbortSignal | undefined;
  private readonly deadline: number | undefined;
  private readonly retry: RetryPolicy;
  readonly userAgent: string;
  /**
   * Set when a request's retries all failed to reach the server: every
   * request after it fails at once with the same error, rather than retrying
   * on its own (400 objects took 150 s to fail against a refused port).
   */
  private unreachable: TransportError | undefined;

  constructor(
    readonly conn: Connection,
    o: ApiOptions = {},
  ) {
    this.pool = newAgent(conn, { keepAlive: true, maxSockets: 32 });
    this.streams = newAgent(conn, { keepAlive: false });
    this.signal = o.signal;
    // Every request in flight listens to the one signal: hundreds at once are expected, not a leak.
    if (o.signal) setMaxListeners(0, o.signal);
    this.deadline = o.deadline;
    this.retry = o.retry ?? DEFAULT_RETRY;
    this.userAgent = o.userAgent ?? 'nixpod';
  }

  close(): void {
    this.pool.destroy();
    this.streams.destroy();
  }

  async send(spec: RequestSpec, o: SendOptions = {}): Promise<ApiResponse> {
    const signal = o.signal ?? this.signal;
    const deadline = o.signal ? undefined : this.deadline;
    for (let attempt = 1, refreshed = false; ; attempt++) {
      if (this.unreachable) throw this.unreachable;
      let wait: number | undefined;
      try {
        const r = await this.once(spec, signal);
        // A credential plugin's token was refused: fetch a new one and retry once (client-go drops it on 401).
        if (r.status === 401 && !refreshed && this.conn.refresh?.()) {
          refreshed = true;
          continue;
        }
        wait = this.retryWait(r, attempt);
        // Waiting past the command's deadline helps no one: the answer is the answer.
        if (wait === undefined || (deadline !== undefined && Date.now() + wait > deadline)) return r;
      } catch (e) {
        if (!(e instanceof TransportError) || !RETRY_CODES.has(e.errno ?? '')) throw e;
        if (attempt >= this.retry.attempts) {
          if (UNREACHABLE_CODES.has(e.errno ?? '') && !signal?.aborted) this.unreachable ??= e;
          throw e;
        }
        wait = this.backoff(attempt);
      }
      await abortableSleep(wait, signal);
    }
  }

  /** A streaming GET (logs, watch): the response as it arrives, on the streams' own agent. */
  async open(spec: RequestSpec, o: OpenOptions = {}): Promise<IncomingMessage> {
    const { req, done } = await this.start(spec, o.signal ?? this.signal, o.idleMs ?? 0);
    req.end();
    return done as Promise<IncomingMessage>;
  }

  /** How long to wait before the next attempt, or undefined when this answer is final. */
  private retryWait(r: ApiResponse, attempt: number): number | undefined {
    if (!RETRY_STATUS.has(r.status) || isMalformedObject(r)) return undefined;
    const after = parseRetryAfter(r.headers['retry-after']);
    if (r.status === 429 || after !== undefined) {
      if (attempt >= this.retry.retryAfterAttempts) return undefined;
      return after !== undefined && after > 0 ? Math.min(after, this.retry.maxRetryAfterMs) : after ?? this.backoff(attempt);
    }
    return attempt >= this.retry.attempts ? undefined : this.backoff(attempt);
  }

  private backoff(attempt: number): number {
    return Math.min(this.retry.baseMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2), this.retry.maxDelayMs);
  }

  private async once(spec: RequestSpec, signal: AbortSignal | undefined): Promise<ApiResponse> {
    const { req, done } = await this.start(spec, signal, undefined);
    req.end(spec.body);
    return done as Promise<ApiResponse>;
  }

  /** `idleMs` undefined: a request (its whole answer read, 30 s idle timeout); a number: a stream (0: no idle timeout). */
  private async start(spec: RequestSpec, signal: AbortSignal | undefined, idleMs: number | undefined): Promise<{ req: ReturnType<typeof httpsRequest>; done: Promise<ApiResponse | IncomingMessage> }> {
    checkSignal(signal);
    const stream = idleMs !== undefined;
    const url = new URL(this.conn.server.replace(/\/+$/, '') + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const opts: RequestOptions = {
      method: spec.method,
      hostname: requestHost(url),
      port: url.port,
      path: url.pathname + url.search,
      // A body's length always: Node sends a DELETE's body neither chunked nor with a length otherwise (the server reads it as the next request).
      headers: { accept: 'application/json', 'user-agent': this.userAgent, ...(spec.contentType ? { 'content-type': spec.contentType } : {}), ...(spec.body !== undefined ? { 'content-length': String(Buffer.byteLength(spec.body)) } : {}) },
      timeout: stream ? idleMs : 30_000,
      ...(signal ? { signal } : {}),
      ...(url.protocol === 'https:' ? { agent: stream ? this.streams : this.pool } : {}),
    };
    await this.conn.authenticate(opts);
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    let req!: ReturnType<typeof httpsRequest>;
    const fail = (e: NodeJS.ErrnoException): Error => (signal?.aborted ? new CancelledError(signal.reason) : new TransportError(e.message, e.code));
    const done = new Promise<ApiResponse | IncomingMessage>((resolve0, reject0) => {
      // A request still waiting for its socket (a proxy handshake) never reports its own destruction: settle on the signal.
      const onAbort = (): void => reject0(new CancelledError(signal?.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(f: (v: T) => void) => (v: T): void => {
        signal?.removeEventListener('abort', onAbort);
        f(v);
      };
      const resolve = settle(resolve0);
      const reject = settle(reject0);
      req = request(opts, (res) => {
        if (stream) return resolve(res);
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', (e: NodeJS.ErrnoException) => reject(fail(e)));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(stream ? `no data for ${(idleMs ?? 0) / 1000} s` : 'the request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => reject(fail(e)));
    });
    return { req, done };
  }
}
