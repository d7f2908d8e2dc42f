#!/usr/bin/env node
import type * as Url from 'node:url';
import { requireBuiltin } from '../io/builtins.js';
import { loadProgram } from '../io/code-cache.js';
import { answerVersion } from './quick-version.js';
import type { start as Start } from './start.js';

const { fileURLToPath } = requireBuiltin('node:url') as typeof Url;

/**
 * The package's entry (dist/pkg/cli/nixpod.mjs): `--version` at once, else
 * the program, one CommonJS file beside this one, compiled with the V8 code
 * cache made at build time (see io/code-cache.ts): most of a short run's
 * start-up is compiling the program, and the cache skips it.
 */
const argv = process.argv.slice(2);
if (!answerVersion(argv)) {
  const { start } = loadProgram(fileURLToPath(new URL('./nixpod-program.cjs', import.meta.url))) as { start: typeof Start };
  // Output goes out with write(2), so it is all written by now: exit, rather than wait for whatever a
  // cancelled command left behind (a proxy handshake, a credential plugin) to let the event loop drain.
  process.exit(await start(argv, process.argv[1] ?? ''));
}
