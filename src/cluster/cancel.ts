import { NixpodError } from '../core/errors.js';

/**
 * The lifetime of one command's cluster work: one signal (SIGINT, SIGTERM,
 * --timeout, or the command's own reasons such as a closed stdout) and, when
 * there is a --timeout, the moment it passes (so a retry knows not to wait
 * beyond it).
 */
export interface Lifetime {
  signal: AbortSignal;
  deadline: number | undefined;
}

/**
 * The command's signal combined with its --timeout (and any further signals of its own).
 * Not AbortSignal.any + AbortSignal.timeout: on Node 20 nothing holds the timeout
 * signal strongly, so after a garbage collection it may never fire (a --timeout
 * that silently never passes). Here the timer holds the controller.
 */
export function lifetime(signal: AbortSignal, timeoutMs?: number, ...more: AbortSignal[]): Lifetime {
  if (timeoutMs === undefined && more.length === 0) return { signal, deadline: undefined };
  const c = new AbortController();
  for (const s of [signal, ...more]) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  if (timeoutMs !== undefined && !c.signal.aborted) {
    const t = setTimeout(() => c.abort(new DOMException('the --timeout passed', 'TimeoutError')), timeoutMs);
    // The command's own requests and waits keep the process alive; the timer alone must not.
    t.unref();
    c.signal.addEventListener('abort', () => clearTimeout(t), { once: true });
  }
  return { signal: c.signal, deadline: timeoutMs !== undefined ? Date.now() + timeoutMs : undefined };
}

/** Why the work stopped, in words: `interrupted (SIGINT)`, `the --timeout passed`. */
export function describeAbort(reason: unknown): string {
  if (reason === 'SIGINT') return 'interrupted (SIGINT)';
  if (reason === 'SIGHUP') return 'hung up (SIGHUP)';
  if (reason === 'SIGTERM') return 'terminated (SIGTERM)';
  if (reason === 'stdout-closed') return "stdout's reader went away";
  if (reason === 'stdout-failed') return 'stdout cannot be written';
  if (reason instanceof Error && reason.name === CLEANUP_DEADLINE) return `the API server did not answer within the clean-up's ${reason.message}`;
  if (reason instanceof Error && reason.name === 'TimeoutError') return 'the --timeout passed';
  return `cancelled (${reason instanceof Error ? reason.message : String(reason)})`;
}

const CLEANUP_DEADLINE = 'CleanupDeadline';

/**
 * The signal of clean-up work after the command's own signal ended it: aborted
 * after `ms`, said as the clean-up's deadline (not as the --timeout).
 */
export function cleanupDeadline(ms: number): AbortSignal {
  const c = new AbortController();
  setTimeout(() => c.abort(Object.assign(new Error(`${ms / 1000} s deadline`), { name: CLEANUP_DEADLINE })), ms).unref();
  return c.signal;
}

export const isTimeout = (reason: unknown): boolean => reason instanceof Error && reason.name === 'TimeoutError';

/** Work that stopped because the command's signal was aborted: not the cluster's fault, said once. */
export class CancelledError extends NixpodError {
  constructor(readonly reason: unknown) {
    super('cluster', `stopped: ${describeAbort(reason)}`, isTimeout(reason) ? 'give the command more time with --timeout' : undefined);
  }
}

/** Throws CancelledError when the signal is aborted. */
export function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(signal.reason);
}

/** A sleep that ends early, with CancelledError, when the signal is aborted. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  checkSignal(signal);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new CancelledError(signal?.reason));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
