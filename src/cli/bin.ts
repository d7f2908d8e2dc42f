#!/usr/bin/env node
import { basename } from 'node:path';
import { processIo } from './io.js';
import { reportFailure, runMain } from './main.js';

// A rejection or exception that escaped a command is a bug: the same report and exit code as one caught in runMain.
const crash = (e: unknown): void => {
  process.exitCode = reportFailure(e, { stderr: (t) => process.stderr.write(t) });
  process.exit();
};
process.on('unhandledRejection', crash);
process.on('uncaughtException', crash);

// Installed as kubectl-nixpod too: kubectl runs it as `kubectl nixpod`, and its help says so.
const name = basename(process.argv[1] ?? '').startsWith('kubectl-') ? 'kubectl nixpod' : 'nixpod';
process.exitCode = await runMain(process.argv.slice(2), processIo(), name);
