import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Staging folders inside an output folder (see write.ts, write-tree.ts) are
 * named for the host and the process that made them: `.nixpod-HOST-PID-XXXXXX`.
 * A run that cannot clean up after itself (kill -9, a power cut) leaves its
 * staging folder behind, hidden; a later successful write into the same
 * folder removes those whose process is gone. Only this host's: another
 * host's process (a folder on NFS) cannot be asked about. A folder whose
 * process still runs (or whose pid is in use again) is kept, and so is one
 * that holds earlier entries set aside by a swap that did not finish (write.ts's
 * `.old-N` and `.gone-N`, write-tree.ts's `old/`): they may be all that is left
 * of them, and the error that run printed says how to put them back.
 */
export function stagePrefix(dir: string): string {
  return join(dir, `.nixpod-${HOST}-${process.pid}-`);
}

const HOST = hostname().replace(/[^A-Za-z0-9]+/g, '_').slice(0, 32) || 'host';
const STAGE = /^\.nixpod-([A-Za-z0-9_]+)-(\d+)-[A-Za-z0-9]{6}$/;

/** Removes the staging folders in `dir` left by this host's processes that are gone; never fails (a leftover stays a leftover). */
export async function removeStaleStages(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = STAGE.exec(name);
    if (!m || m[1] !== HOST || Number(m[2]) === process.pid || isRunning(Number(m[2]))) continue;
    if (await holdsSetAside(join(dir, name))) continue;
    await rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Whether a staging folder holds entries a swap set aside (or cannot be read: then it is left alone too). */
async function holdsSetAside(stage: string): Promise<boolean> {
  try {
    const entries = await readdir(stage);
    if (entries.some((e) => e.startsWith('.old-') || e.startsWith('.gone-'))) return true;
    return entries.includes('old') && (await readdir(join(stage, 'old'))).length > 0;
  } catch {
    return true;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
