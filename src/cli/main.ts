import { CommanderError } from 'commander';
import { NixpodError } from '../core/errors.js';
import { CancelledError } from '../cluster/cancel.js';
import { EXIT, EXIT_FOR_ERROR } from './exit-codes.js';
import { SIGNAL_EXIT, type CliIo } from './io.js';
import { formatError, formatStdoutFailure } from './reporter.js';
import { buildProgram, commandOf, type CommandTable } from './program.js';

/** The one place that turns failures into messages and exit codes (the table is EXIT_FOR_ERROR); `commands` are the program's (see program.ts). */
export async function runMain(argv: readonly string[], io: CliIo, commands: CommandTable, name = 'nixpod'): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c), name, commands, commandOf(argv, commands));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    // Cancelled by SIGINT/SIGTERM: the signal's own exit code follows, no trace.
    if (!(io.signal.aborted && isCancellation(e, io.signal))) code = reportFailure(e, io);
  }
  try {
    await io.flush();
  } catch (e) {
    io.stderr(formatStdoutFailure(e));
    if (code < EXIT.cluster) code = EXIT.usage;
  }
  const reason: unknown = io.signal.aborted ? io.signal.reason : undefined;
  if (typeof reason === 'string' && SIGNAL_EXIT[reason] !== undefined) return SIGNAL_EXIT[reason];
  if (io.stdoutClosed() && code === EXIT.ok) return EXIT.closedStdout;
  return code;
}

/** A failure that stopped a command: one line (and a hint) for what nixpod knows, a stack trace only for a bug. */
export function reportFailure(e: unknown, io: Pick<CliIo, 'stderr'>): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (e instanceof NixpodError) {
    io.stderr(formatError(e.message, e.hint));
    return EXIT_FOR_ERROR[e.code];
  }
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  io.stderr(`nixpod: internal error (a bug in nixpod: please report it, with the command you ran):\n${detail}\n`);
  return EXIT.internal;
}

/** What an aborted signal throws: its reason itself (throwIfAborted), an AbortError, or nixpod's CancelledError. */
function isCancellation(e: unknown, signal: AbortSignal): boolean {
  return e === signal.reason || e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError');
}

