import { EXIT } from './exit-codes.js';
import { processIo } from './io.js';
import { formatStdoutFailure } from './reporter.js';
import { version } from './version.js';

/**
 * `nixpod --version` (or -V) alone, answered before the program loads: hooks
 * and editors ask for it often. Its exit code when it was that, as any
 * command's: 2 when stdout could not be written (a full disk), 141 when its
 * reader had gone; else undefined.
 */
export async function answerVersion(argv: readonly string[]): Promise<number | undefined> {
  if (argv.length !== 1 || (argv[0] !== '--version' && argv[0] !== '-V')) return undefined;
  const io = processIo();
  io.stdout(`${version()}\n`);
  try {
    await io.flush();
  } catch (e) {
    io.stderr(formatStdoutFailure(e));
    return EXIT.usage;
  }
  return io.stdoutClosed() ? EXIT.closedStdout : EXIT.ok;
}
