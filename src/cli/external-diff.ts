import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoError } from '../core/errors.js';
import { errnoText } from '../io/errno.js';
import type { CliIo } from './io.js';

/** One object as `kubectl diff` hands it to KUBECTL_EXTERNAL_DIFF: its file name and both sides as YAML ('' when absent). */
export interface DiffFile {
  /** `group.version.Kind.namespace.name` (`v1.ConfigMap.default.x`, `batch.v1.Job.default.y`), as kubectl names it. */
  file: string;
  live: string;
  merged: string;
}

export interface ExternalDiff {
  program: string;
  args: string[];
  /** Words kubectl leaves out (it takes only letters, digits, '-' and '='). */
  ignored: string[];
}

/** kubectl's rule for the flags of a KUBECTL_EXTERNAL_DIFF command (pkg/cmd/diff/diff.go). */
const KUBECTL_ARG = /^[a-zA-Z0-9-=]+$/;

/**
 * KUBECTL_EXTERNAL_DIFF read as kubectl reads it: split on single spaces (not
 * tabs; two spaces give an empty word, which is dropped), the first word is the
 * program, and of the rest only words of letters, digits, '-' and '=' are kept:
 * `colordiff -u -N`, `diff --color=always -u`. Measured with kubectl 1.32.
 */
export function parseExternalDiff(value: string): ExternalDiff {
  const [program = '', ...rest] = value.split(' ');
  const words = rest.filter((w) => w !== '');
  return { program, args: words.filter((w) => KUBECTL_ARG.test(w)), ignored: words.filter((w) => !KUBECTL_ARG.test(w)) };
}

/**
 * Run the program as kubectl does: `PROGRAM LIVE-DIR MERGED-DIR FLAGS…`, with
 * one file per object in each temp folder (empty on the side where the object
 * is absent), and exit with its status when that is 0 (no differences) or 1
 * (differences). Anything else is a failure. Its output passes through nixpod's.
 */
export async function runExternalDiff(cmd: ExternalDiff, files: readonly DiffFile[], io: CliIo): Promise<number> {
  if (cmd.program === '') throw new IoError('KUBECTL_EXTERNAL_DIFF starts with a space: it names no program', 'write the program first, e.g. KUBECTL_EXTERNAL_DIFF="colordiff -u -N"');
  for (const w of cmd.ignored) io.stderr(`nixpod: warning: KUBECTL_EXTERNAL_DIFF: '${w}' is ignored, as kubectl ignores it: only letters, digits, '-' and '=' are allowed\n`);
  const base = io.env.TMPDIR || tmpdir();
  // The folders (and files) the program reads: a TMPDIR that is missing, read-only or full is said as such.
  const cannot = (e: unknown): IoError => new IoError(`cannot write the objects for KUBECTL_EXTERNAL_DIFF under ${base}: ${errnoText(e)}`, 'set TMPDIR to a folder with room that you may write to');
  const live = await mkdtemp(join(base, 'LIVE-')).catch((e: unknown) => {
    throw cannot(e);
  });
  const merged = await mkdtemp(join(base, 'MERGED-')).catch(async (e: unknown) => {
    await rm(live, { recursive: true, force: true });
    throw cannot(e);
  });
  try {
    try {
      for (const f of files) {
        await writeFile(join(live, f.file), f.live, { mode: 0o600 });
        await writeFile(join(merged, f.file), f.merged, { mode: 0o600 });
      }
    } catch (e) {
      throw cannot(e);
    }
    return await runProgram(cmd, [live, merged, ...cmd.args], io);
  } finally {
    await rm(live, { recursive: true, force: true });
    await rm(merged, { recursive: true, force: true });
  }
}

/** How long a program gets after Ctrl-C before it (and all it started) is killed. */
const KILL_AFTER_MS = 2000;
/** How long its output is read after it ends: a process it left running may hold the pipes open for ever. */
const OUTPUT_GRACE_MS = 500;

/**
 * The program runs in a process group of its own: Ctrl-C, or a SIGTERM that
 * reaches nixpod alone (a CI job cancelled, `timeout`), sends SIGTERM to the
 * whole group, and SIGKILL to what is left of it once the program has ended or
 * 2 s have passed. nixpod then removes the folders it reads and exits 130 or
 * 143: nothing is left running or behind.
 */
function runProgram(cmd: ExternalDiff, argv: string[], io: CliIo): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.program, argv, { env: io.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const group = groupSignaller(child);
    let kill: ReturnType<typeof setTimeout> | undefined;
    const cancel = (): void => {
      group('SIGTERM');
      kill = setTimeout(() => group('SIGKILL'), KILL_AFTER_MS);
    };
    if (io.signal.aborted) cancel();
    else io.signal.addEventListener('abort', cancel, { once: true });
    child.stdout.setEncoding('utf8').on('data', (d: string) => io.stdout(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => io.stderr(d));
    const hint = 'KUBECTL_EXTERNAL_DIFF must name a program that exits 0 for no differences and 1 for differences (unset it for nixpod\'s own diff)';
    child.on('error', (e: NodeJS.ErrnoException) => {
      io.signal.removeEventListener('abort', cancel);
      reject(new IoError(`cannot run the KUBECTL_EXTERNAL_DIFF program "${cmd.program}": ${errnoText(e)}`, hint));
    });
    child.on('exit', (code, signal) => {
      io.signal.removeEventListener('abort', cancel);
      if (io.signal.aborted) {
        clearTimeout(kill);
        group('SIGKILL');
        return reject(io.signal.reason);
      }
      whenOutputRead(child, () => {
        if (code === 0 || code === 1) resolve(code);
        else reject(new IoError(`the KUBECTL_EXTERNAL_DIFF program "${cmd.program}" ${signal ? `was killed by ${signal}` : `failed with exit status ${code}`}`, hint));
      });
    });
  });
}

/** Sends a signal to the whole process group the (detached) child leads; nothing once the group has ended. */
function groupSignaller(child: ChildProcess): (signal: NodeJS.Signals) => void {
  return (signal) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group has ended.
    }
  };
}

/** `done` once an exited child's output is all read, or OUTPUT_GRACE_MS later: a process it left running may hold its pipes open for ever. */
function whenOutputRead(child: ChildProcessByStdio<null, Readable, Readable>, done: () => void): void {
  const late = setTimeout(() => {
    child.stdout.destroy();
    child.stderr.destroy();
    done();
  }, OUTPUT_GRACE_MS);
  child.once('close', () => {
    clearTimeout(late);
    done();
  });
}
