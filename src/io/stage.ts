import { lstat, readdir, rm } from 'node:fs/promises';
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Staging folders inside an output folder (see write.ts, write-tree.ts) are
 * named for the kernel boot, the pid namespace and the process that made
 * them: `.nixpod-BOOT-PIDNS-PID-XXXXXX`. A run that cannot clean up after
 * itself (kill -9, a power cut) leaves its staging folder behind, hidden; a
 * later write into the same folder removes those whose process is gone.
 * Only a run of the same boot and pid namespace can tell that: the same
 * hostname is not enough (containers, CI runners and hosts sharing a folder
 * over NFS each have their own pids), so any other staging folder is left
 * alone, as is one whose process still runs (or whose pid is in use again),
 * one that is not a plain folder, and one that holds earlier entries set aside
 * by a swap that did not finish (write.ts's `.old-N` and `.gone-N`,
 * write-tree.ts's `old/`): they may be all that is left of them, and the error
 * that run printed says how to put them back. Where /proc does not tell the
 * boot and the namespace, nothing is ever removed.
 */
export function stagePrefix(dir: string): string {
  return join(dir, `.nixpod-${identity() ?? 'unknown'}-${process.pid}-`);
}

const STAGE = /^\.nixpod-([0-9a-f]{8}-\d+)-(\d+)-[A-Za-z0-9]{6}$/;

let known: string | null | undefined;

/** `BOOT-PIDNS`: the first 8 hex digits of the boot id and the pid namespace's inode; null where /proc does not tell. */
function identity(): string | null {
  if (known !== undefined) return known;
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').replace(/-/g, '').slice(0, 8);
    const ns = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    known = /^[0-9a-f]{8}$/.test(boot) && ns !== undefined ? `${boot}-${ns}` : null;
  } catch {
    known = null;
  }
  return known;
}

/** Removes the staging folders in `dir` left by processes of this boot and pid namespace that are gone; never fails (a leftover stays a leftover). */
export async function removeStaleStages(dir: string): Promise<void> {
  const mine = identity();
  if (mine === null) return;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = STAGE.exec(name);
    if (!m || m[1] !== mine || Number(m[2]) === process.pid || isRunning(Number(m[2]))) continue;
    const stage = join(dir, name);
    if (!(await isPlainFolder(stage)) || (await holdsSetAside(stage))) continue;
    await rm(stage, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function isPlainFolder(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isDirectory() === true;
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
