import type { ErrorCode } from '../core/errors.js';

/** Exit codes: one closed table, as documented in the README ("Exit codes") and tested in test/exit-codes.test.ts. */
export const EXIT = {
  ok: 0,
  /** Problems found: check errors, a script that failed in its Pod, `diff` found differences. */
  problems: 1,
  /** nixpod could not do what was asked: a usage error, bad input (missing file, bad template), a failed read or write. */
  usage: 2,
  /** The cluster or its API failed, or refused (403, conflicts, someone else's objects). */
  cluster: 3,
  /** A bug in nixpod: the message asks to report it. */
  internal: 4,
  /** Hung up (SIGHUP: the terminal or ssh session closed), after cleaning up: 128 + 1. */
  sighup: 129,
  /** Interrupted by SIGINT (Ctrl-C), after cleaning up: 128 + 2. */
  sigint: 130,
  /** stdout's reader went away (`| head -1`): output stopped, the work was finished or cleanly cancelled: 128 + 13, as SIGPIPE gives. */
  closedStdout: 141,
  /** Terminated by SIGTERM (a cancelled CI job, `timeout`), after cleaning up: 128 + 15. */
  sigterm: 143,
} as const;

/** The exit code of each kind of error that stops a command. */
export const EXIT_FOR_ERROR: Record<ErrorCode, number> = {
  usage: EXIT.usage,
  io: EXIT.usage,
  template: EXIT.usage,
  cluster: EXIT.cluster,
  internal: EXIT.internal,
};
