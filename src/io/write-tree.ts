import { lstat, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IoError } from '../core/errors.js';
import { errnoText } from './errno.js';

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
 * old entries come back and nothing new stays. With `mayReplace`, an existing
 * entry it does not accept stops the write before anything is changed.
 */
export async function writeTreeAtomically(dir: string, files: readonly TreeFile[], signal?: AbortSignal, mayReplace?: (path: string) => Promise<boolean>): Promise<string[]> {
  await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST' || e.code === 'ENOTDIR') throw new IoError(`cannot write into ${dir}: it (or a folder above it) is a file, not a folder`, 'give -o a folder');
    throw new IoError(`cannot create the folder ${dir}: ${errnoText(e)}`, 'check the path and its permissions');
  });
  const tops = [...new Set(files.map((f) => f.path.split('/')[0] as string))];
  if (mayReplace) await refuseForeign(dir, tops, mayReplace);
  const stage = await mkdtemp(join(dir, '.nixpod-')).catch((e: unknown) => {
    throw new IoError(`cannot write to ${dir}: ${errnoText(e)}`, 'check that the folder is writable');
  });
  const moved: { top: string; aside: string | null }[] = [];
  try {
    for (const f of files) {
      signal?.throwIfAborted();
      const to = join(stage, 'new', f.path);
      await mkdir(dirname(to), { recursive: true });
      await writeFile(to, f.bytes, { mode: f.mode ?? 0o644 }).catch((e: unknown) => {
        throw new IoError(`cannot write ${join(dir, f.path)}: ${errnoText(e)}`, `nothing in ${dir} was changed: free space or raise the file size limit, then run again`);
      });
    }
    await mkdir(join(stage, 'old'));
    for (const top of tops) {
      const target = join(dir, top);
      const had = await lstat(target).then(() => true, () => false);
      const aside = had ? join(stage, 'old', top) : null;
      if (aside) await rename(target, aside);
      moved.push({ top, aside });
      await rename(join(stage, 'new', top), target);
    }
    return tops;
  } catch (e) {
    // Put back what was there: the new entries go, the old ones return.
    for (const m of moved.reverse()) {
      await rm(join(dir, m.top), { recursive: true, force: true });
      if (m.aside) await rename(m.aside, join(dir, m.top)).catch(() => undefined);
    }
    if (e instanceof IoError || signal?.aborted) throw e;
    throw new IoError(`cannot write into ${dir}: ${errnoText(e)}`, `nothing in ${dir} was changed: check the folder and its permissions`);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
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
