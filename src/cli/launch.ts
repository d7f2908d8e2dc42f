#!/usr/bin/env node
import type * as Url from 'node:url';
import { requireBuiltin } from '../io/builtins.js';
import { loadProgram, NOT_A_FILE } from '../io/code-cache.js';
import { processIo } from './io.js';
import { answerVersion } from './quick-version.js';
import type { start as Start } from './start.js';

const { fileURLToPath } = requireBuiltin('node:url') as typeof Url;

/**
 * The package's entry (dist/pkg/cli/nixpod.mjs): `--version` at once, else
 * the program, one CommonJS file beside this one, compiled with the V8 code
 * cache made at build time (see io/code-cache.ts): most of a short run's
 * start-up is compiling the program, and the cache skips it. `check` has a
 * program of its own, the same code without the other commands (see
 * start-check.ts): a third less to load on every save and commit. Only a
 * line whose first word is `check` goes there: the one that runs check alone
 * (commandOf in program.ts); help, completion and typos list every command.
 * It is only faster: when it cannot be loaded, the whole program runs check.
 */
/** The code of the error for a program file without a `start` (before the run below: it is used there). */
const NO_START = 'ENOSTART';
const argv = process.argv.slice(2);
const answered = await answerVersion(argv);
if (answered !== undefined) process.exit(answered);
else {
  const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
  const { start } = (argv[0] === 'check' ? optional(here('./nixpod-check.cjs')) : undefined) ?? program(here('./nixpod-program.cjs'));
  // Output goes out with write(2), so it is all written by now: exit, rather than wait for whatever a
  // cancelled command left behind (a proxy handshake, a credential plugin) to let the event loop drain.
  process.exit(await start(argv, process.argv[1] ?? ''));
}

type Program = { start: typeof Start };

/**
 * The program's exports. Before it runs, its own error handling is not there
 * yet: a program file that cannot be read or compiled, or that has no
 * `start` (a broken install: a missing, truncated or emptied file) is an
 * error as any other, exit 2; anything else it throws while loading is a
 * bug, exit 4.
 */
function program(file: string): Program {
  try {
    return loaded(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof SyntaxError || (typeof code === 'string' && /^E[A-Z]+$/.test(code))) {
      const why = e instanceof SyntaxError ? `it does not compile (${e.message})` : code === NOT_A_FILE ? 'not a regular file' : code === NO_START ? 'it is not a nixpod program' : code;
      processIo().stderr(`nixpod: error: cannot read ${file}: ${why}\n  hint: nixpod's installation is broken: install it again\n`);
      process.exit(2);
    }
    processIo().stderr(`nixpod: internal error (a bug in nixpod: please report it, with the command you ran):\n${(e as Error).stack ?? String(e)}\n`);
    process.exit(4);
  }
}

/** A program that only makes a run faster: undefined when it cannot be loaded (the whole program does the same). */
function optional(file: string): Program | undefined {
  try {
    return loaded(file);
  } catch {
    return undefined;
  }
}

/** The program in `file`, or a throw: what loading it threw, or NO_START when it has no `start`. */
function loaded(file: string): Program {
  const p = loadProgram(file) as Partial<Program> | undefined;
  if (typeof p?.start !== 'function') throw Object.assign(new Error('no start'), { code: NO_START });
  return p as Program;
}
