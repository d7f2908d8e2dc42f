import { processIo } from './io.js';
import { version } from './version.js';

/**
 * `nixpod --version` (or -V) alone, answered before the program loads: hooks
 * and editors ask for it often. True when it was that and has been answered.
 */
export function answerVersion(argv: readonly string[]): boolean {
  if (argv.length !== 1 || (argv[0] !== '--version' && argv[0] !== '-V')) return false;
  processIo().stdout(`${version()}\n`);
  return true;
}
