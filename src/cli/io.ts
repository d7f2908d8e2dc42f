/** Everything the CLI touches of its process, injectable so tests can drive it in-process. */
export interface CliIo {
  /** Never throws. Once stdout's reader has gone, output is dropped and `stdoutClosed()` is true. */
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The command's one cancellation signal: aborted on SIGINT or SIGTERM, with
   * the signal's name as its reason. Commands pass it (or one derived from it
   * with their --timeout) to every request, stream and wait.
   */
  signal: AbortSignal;
  /** True once stdout's reader has gone (EPIPE): stop producing output. */
  stdoutClosed(): boolean;
  /** Wait until everything written to stdout is out; rejects with the write error (ENOSPC, EFBIG, EIO). */
  flush(): Promise<void>;
}

/** Exit codes for the signals nixpod traps (128 + the signal's number). */
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** The real process: stdout errors are caught (never an unhandled EPIPE), SIGINT and SIGTERM abort the command's signal; a second one exits at once. */
export function processIo(): CliIo {
  const controller = new AbortController();
  let closed = false;
  let failure: NodeJS.ErrnoException | undefined;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed = true;
    else failure ??= e;
  });
  process.stderr.on('error', () => undefined);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) process.exit(SIGNAL_EXIT[sig]);
      controller.abort(sig);
    });
  }
  return {
    stdout: (t) => {
      if (closed || failure) return;
      process.stdout.write(t);
    },
    stderr: (t) => {
      process.stderr.write(t);
    },
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
    stdoutClosed: () => closed,
    flush: () =>
      new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        if (closed) return resolve();
        process.stdout.write('', (e) => {
          const err = (e as NodeJS.ErrnoException | null | undefined) ?? failure;
          if (err && err.code !== 'EPIPE') reject(err);
          else resolve();
        });
      }),
  };
}
