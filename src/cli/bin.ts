#!/usr/bin/env node
import { basename } from 'node:path';
import { processIo } from './io.js';
import { version } from './version.js';

const argv = process.argv.slice(2);
// Hooks and editors ask for the version often: it is answered before the command-line parser (most of the start-up code) loads.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  processIo().stdout(`${version()}\n`);
} else {
  const { reportFailure, runMain } = await import('./main.js');
  // A rejection or exception that escaped a command is a bug: the same report and exit code as one caught in runMain.
  const crash = (e: unknown): void => {
    process.exitCode = reportFailure(e, { stderr: (t) => process.stderr.write(t) });
    process.exit();
  };
  process.on('unhandledRejection', crash);
  process.on('uncaughtException', crash);
  // Installed as kubectl-nixpod too: kubectl runs it as `kubectl nixpod`, and its help says so.
  const name = basename(process.argv[1] ?? '').startsWith('kubectl-') ? 'kubectl nixpod' : 'nixpod';
  // Output goes out with write(2), so it is all written by now: exit, rather than wait for whatever a
  // cancelled command left behind (a proxy handshake, a credential plugin) to let the event loop drain.
  process.exit(await runMain(argv, processIo(), name));
}
