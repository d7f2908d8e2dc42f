import { lstat, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { IoError } from '../core/errors.js';
import { errnoText } from './errno.js';
import { makeOutputFolder } from './made-dir.js';
import { removeStaleStages, stagePrefix } from './stage.js';

/** A file to write, by its path under the target folder. */
export interface TreeFile {
  path: string;
  bytes: Uint8Array | string;
  mode?: number;
}

/**
 * Write files (in sub-folders, any bytes, with modes) into `dir`, replacing
 * each top-level entry they fall under (`x.nix`, `x/`) as a whole: everything
 * is first written to a staging folder inside `dir`, then each entry is
 * renamed into place, the old one kept aside until all are in. On failure the
 * old entries come back, nothing new stays, and a `dir` this call created is
 * removed again. With `mayReplace`, an existing entry it does not accept
 * stops the write before anything is changed.
 */
export async function writeTreeAtomically(folder: string, files: readonly TreeFile[], signal?: AbortSignal, mayReplace?: (path: string) => Promise<boolean>): Promise<string[]> {
  // The folder made is the folder written: both spelled without `..` (as render's path.join spells its -o DIR).
  const dir = resolve(folder);
  const undo = await makeOutputFolder(dir);
  try {
    const tops = [...new Set(files.map((f) => f.path.split('/')[0] as string))];
    if (mayReplace) await refuseForeign(dir, tops, mayReplace);
    // A killed run's leftover goes first: it may be what fills the disk.
    await removeStaleStages(dir);
    await writeStaged(dir, files, tops, signal);
    return tops;
  } catch (e) {
    await undo();
    throw e;
  }
}

async function writeStaged(dir: string, files: readonly TreeFile[], tops: readonly string[], signal?: AbortSignal): Promise<void> {
  const stage = await mkdtemp(stagePrefix(dir)).catch((e: unknown) => {
    throw new IoError(`cannot write to ${dir}: ${errnoText(e)}`, `nothing in ${dir} was changed: ${remedy(e)}`);
  });
  let keepStage = false;
  try {
    for (const f of files) {
      signal?.throwIfAborted();
      const to = join(stage, 'new', f.path);
      await mkdir(dirname(to), { recursive: true });
      await writeFile(to, f.bytes, { mode: f.mode ?? 0o644 }).catch((e: unknown) => {
        throw new IoError(`cannot write ${join(dir, f.path)}: ${errnoText(e)}`, `nothing in ${dir} was changed: ${remedy(e)}`);
      });
    }
    await mkdir(join(stage, 'old'));
    const failed = await swapIn(dir, stage, tops);
    if (failed) {
      keepStage = failed.stuck.length > 0;
      throw keepStage ? stuckError(dir, stage, failed) : failed.error;
    }
  } catch (e) {
    if (e instanceof IoError || signal?.aborted) throw e;
    throw new IoError(`cannot write into ${dir}: ${errnoText(e)}`, `nothing in ${dir} was changed: ${remedy(e)}`);
  } finally {
    // An old entry that could not be put back is still in the staging folder: never delete it.
    if (!keepStage) await rm(stage, { recursive: true, force: true });
  }
}

interface SwapFailure {
  error: unknown;
  /** Old entries that could not be put back: still in the staging folder. */
  stuck: string[];
}

/**
 * Rename each new entry into place, the old one aside. On failure, the new
 * entries go and the old ones return, and what went wrong is returned.
 */
async function swapIn(dir: string, stage: string, tops: readonly string[]): Promise<SwapFailure | undefined> {
  const moved: { top: string; aside: string | null }[] = [];
  try {
    for (const top of tops) {
      const target = join(dir, top);
      const had = await lstat(target).then(() => true, () => false);
      const aside = had ? join(stage, 'old', top) : null;
      if (aside) await rename(target, aside);
      moved.push({ top, aside });
      await rename(join(stage, 'new', top), target);
    }
    return undefined;
  } catch (error) {
    const stuck: string[] = [];
    for (const m of moved.reverse()) {
      await rm(join(dir, m.top), { recursive: true, force: true });
      if (m.aside) await rename(m.aside, join(dir, m.top)).catch(() => stuck.push(m.top));
    }
    return { error, stuck };
  }
}

function stuckError(dir: string, stage: string, f: SwapFailure): IoError {
  return new IoError(`cannot write into ${dir}: ${errnoText(f.error)}, and the earlier ${f.stuck.join(', ')} could not be put back`, `they are in ${join(stage, 'old')}: move them back into ${dir}`);
}

/** What to do about a failed write: space for a full disk or quota, else permissions. */
function remedy(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' ? 'free space or raise the file size limit, then run again' : 'check the folder and its permissions, then run again';
}

/** Every existing entry the write would replace must be the writer's own: else nothing is written. */
async function refuseForeign(dir: string, tops: readonly string[], mayReplace: (path: string) => Promise<boolean>): Promise<void> {
  for (const top of tops) {
    const target = join(dir, top);
    const exists = await lstat(target).then(() => true, () => false);
    if (!exists) continue;
    const ours = await mayReplace(target).catch((e: unknown) => {
      throw new IoError(`cannot read ${target}: ${errnoText(e)}`, 'check its permissions');
    });
    if (!ours) throw new IoError(`${target} exists and was not written by nixpod image: it would be replaced, so nothing was written`, `move or rename ${target}, or give -o another folder`);
  }
}
