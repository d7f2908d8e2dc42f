import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError } from '../core/errors.js';
import { errnoText } from './errno.js';

export interface ReadDirOptions {
  /** Which regular files to read (by name). */
  wanted: (name: string) => boolean;
  /** Names nixpod writes: anything but a regular file there is refused, as writing would refuse it. */
  planned: ReadonlySet<string>;
  /**
   * A wanted file that cannot be read: an error (`--check` cannot say whether
   * DIR is current), or, when writing, left out, so that nothing nixpod cannot
   * prove its own is ever removed (one at a planned name is always an error).
   */
  unreadable: 'error' | 'skip';
}

/**
 * The text of the wanted regular files directly in `dir` (nixpod writes no
 * subfolders). A folder that does not exist yet holds nothing. Symlinks are
 * never followed: a manifest nixpod wrote is a regular file.
 */
export async function readOutputDir(dir: string, o: ReadDirOptions): Promise<Map<string, string>> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    if (e.code === 'ENOTDIR') throw new IoError(`cannot use ${dir}: it (or a folder above it) is a file, not a folder`, 'give -o a folder');
    throw new IoError(`cannot read the folder ${dir}: ${errnoText(e)}`, 'check the path and its permissions');
  });
  const out = new Map<string, string>();
  for (const e of entries) {
    if (!e.isFile()) {
      if (o.planned.has(e.name)) throw new IoError(`cannot write ${join(dir, e.name)}: it exists and is not a regular file`, 'move it out of the way, or write to another folder');
      continue;
    }
    if (!o.wanted(e.name)) continue;
    try {
      out.set(e.name, await readFile(join(dir, e.name), 'utf8'));
    } catch (err) {
      // A file where a manifest goes is replaced only once it is known to be nixpod's.
      if (o.unreadable === 'error' || o.planned.has(e.name)) throw new IoError(`cannot read ${join(dir, e.name)}: ${errnoText(err)}`, 'make it readable (or move it out of the folder), then run again');
    }
  }
  return out;
}
