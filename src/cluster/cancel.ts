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

/** The command's signal combined with its --timeout (and any further signals of its own). */
export function lifetime(signal: AbortSignal, timeoutMs?: number, ...more: AbortSignal[]): Lifetime {
  const signals = [signal, ...more, ...(timeoutMs !== undefined ? [AbortSignal.timeout(timeoutMs)] : [])];
  return { signal: signals.length === 1 ? signal : AbortSignal.any(signals), deadline: timeoutMs !== undefined ? Date.now() + timeoutMs : undefined };
}

/** Why the work stopped, in words: `interrupted (SIGINT)`, `the --timeout passed`. */
export function describeAbort(reason: unknown): string {
  if (reason === 'SIGINT') return 'interrupted (SIGINT)';
  if (reason === 'SIGTERM') return 'terminated (SIGTERM)';
  if (reason === 'stdout-closed') return "stdout's reader went away";
  if (reason instanceof Error && reason.name === 'TimeoutError') return 'the --timeout passed';
  return `cancelled (${reason instanceof Error ? reason.message : String(reason)})`;
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
