import { mkdir, rmdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { IoError } from '../core/errors.js';
import { errnoText } from './errno.js';

/** Removes again the folders `makeOutputFolder` created; a no-op when it created none. */
export type UndoMakeFolder = () => Promise<void>;

/**
 * Create the output folder `dir` (absolute) and any missing folder above it,
 * and return how to take them away again when the write into it fails: a
 * folder that did not exist before a failed run does not exist after it.
 * Undoing removes only the folders this call created, deepest first, and
 * only while each is empty (rmdir): a folder that existed before, or a file
 * someone else put there meanwhile, always stays.
 */
export async function makeOutputFolder(dir: string): Promise<UndoMakeFolder> {
  // Resolved first: mkdir would make `y` of `x/y/../z` too, a folder the undo would not know.
  const path = resolve(dir);
  const first = await mkdir(path, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST' || e.code === 'ENOTDIR') throw new IoError(`cannot write into ${dir}: it (or a folder above it) is a file, not a folder`, 'give -o a folder');
    throw new IoError(`cannot create the folder ${dir}: ${errnoText(e)}`, 'check the path and its permissions');
  });
  if (first === undefined) return async () => undefined;
  // mkdir names the topmost folder it created (with any trailing slash): every folder from dir up to it is new.
  const top = resolve(first);
  const made: string[] = [];
  for (let d = path; ; d = dirname(d)) {
    made.push(d);
    if (d === top || dirname(d) === d) break;
  }
  return async () => {
    for (const d of made) {
      // ENOTEMPTY: something not ours is in it, so it (and every folder above it) stays.
      const gone = await rmdir(d).then(() => true, () => false);
      if (!gone) return;
    }
  };
}
