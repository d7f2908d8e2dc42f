import { basename } from 'node:path';
import { IoError } from '../core/errors.js';
import { processIo } from './io.js';
import { reportFailure, runMain } from './main.js';
import { COMMANDS, type CommandTable } from './program.js';

/**
 * The program behind the entry points (bin.ts when run from dist/src,
 * launch.ts in the package): the command, with the one crash report.
 * Returns the exit code; the entry exits with it.
 */
export const start = (argv: string[], invokedAs: string): Promise<number> => startWith(COMMANDS, argv, invokedAs);

/** `start` with the commands of a program (see start-check.ts). */
export async function startWith(commands: CommandTable, argv: string[], invokedAs: string): Promise<number> {
  // A rejection or exception that escaped a command is a bug: the same report and exit code as one caught in runMain.
  const crash = (e: unknown): void => {
    process.exitCode = reportFailure(e, { stderr: (t) => process.stderr.write(t) });
    process.exit();
  };
  process.on('unhandledRejection', crash);
  process.on('uncaughtException', crash);
  // Every command resolves paths from the working directory: one deleted under the shell is said once, plainly.
  try {
    process.cwd();
  } catch {
    return reportFailure(new IoError('the working directory no longer exists (deleted or unmounted)', 'cd to a folder that exists and run nixpod again'), { stderr: (t) => process.stderr.write(t) });
  }
  // Installed as kubectl-nixpod too: kubectl runs it as `kubectl nixpod`, and its help says so.
  const name = basename(invokedAs).startsWith('kubectl-') ? 'kubectl nixpod' : 'nixpod';
  return runMain(argv, processIo(), commands, name);
}
