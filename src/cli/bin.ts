#!/usr/bin/env node
import { answerVersion } from './quick-version.js';

// Run from dist/src (development); the package's entry is launch.ts, the same with the program precompiled.
const argv = process.argv.slice(2);
const answered = await answerVersion(argv);
if (answered !== undefined) process.exit(answered);
else {
  const { start } = await import('./start.js');
  // Output goes out with write(2), so it is all written by now: exit, rather than wait for whatever a
  // cancelled command left behind (a proxy handshake, a credential plugin) to let the event loop drain.
  process.exit(await start(argv, process.argv[1] ?? ''));
}
