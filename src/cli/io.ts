import type * as Fs from 'node:fs';
import { requireBuiltin } from '../io/builtins.js';

const { writeSync } = requireBuiltin('node:fs') as typeof Fs;

/** Everything the CLI touches of its process, injectable so tests can drive it in-process. */
export interface CliIo {
  /** Never throws. Once stdout's reader has gone, output is dropped and `stdoutClosed()` is true. */
  stdout(text: string): void;
  /** The same for bytes (UTF-8 text); written or copied before it returns, so the caller may reuse the memory. Absent: stdout of the decoded text. */
  stdoutBytes?(bytes: Uint8Array): void;
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
  /** True once a write to stdout failed otherwise (ENOSPC, EIO): what follows is lost too (flush reports it). */
  stdoutFailed?(): boolean;
  /**
   * What to say if a second signal ends the process at once (undefined: nothing),
   * while the command cleans up after the first: what it would have left behind.
   */
  lastWords?(text: string | undefined): void;
  /** Wait until everything written to stdout is out; rejects with the write error (ENOSPC, EFBIG, EIO). */
  flush(): Promise<void>;
}

/** Exit codes for the signals nixpod traps (128 + the signal's number). */
export const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Writes to a file descriptor with write(2) itself: every byte is written or
 * the failure is kept (process.stdout drops the rest of a short write, which a
 * file size limit gives, and reports EPIPE as an unhandled error).
 */
class FdWriter {
  closed = false;
  failure: NodeJS.ErrnoException | undefined;
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly fd: number) {}

  write(text: string | Uint8Array): void {
    if (this.closed || this.failure || text.length === 0) return;
    const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    for (let off = 0; off < buf.length; ) {
      try {
        off += writeSync(this.fd, buf, off);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        // A non-blocking descriptor (inherited from the parent) that is full: wait for the reader.
        if (err.code === 'EAGAIN') Atomics.wait(this.pause, 0, 0, 2);
        else if (err.code === 'EPIPE') return void (this.closed = true);
        else return void (this.failure = err);
      }
    }
  }
}

/** The real process: output through FdWriter, SIGINT and SIGTERM abort the command's signal; a second one exits at once. */
export function processIo(): CliIo {
  const controller = new AbortController();
  const out = new FdWriter(1);
  const err = new FdWriter(2);
  let last: string | undefined;
  // SIGHUP too: a closed terminal or ssh session must clean up like Ctrl-C.
  for (const sig of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) {
        if (last !== undefined) err.write(last);
        process.exit(SIGNAL_EXIT[sig]);
      }
      controller.abort(sig);
    });
  }
  let cwd: string | undefined;
  return {
    stdout: (t) => out.write(t),
    stdoutBytes: (b) => out.write(b),
    stderr: (t) => err.write(t),
    // Asked for when needed: `--version` answers even in a folder deleted under the shell.
    get cwd() {
      return (cwd ??= process.cwd());
    },
    env: process.env,
    signal: controller.signal,
    stdoutClosed: () => out.closed,
    stdoutFailed: () => out.failure !== undefined,
    lastWords: (text) => void (last = text),
    flush: async () => {
      if (out.failure) throw out.failure;
    },
  };
}
