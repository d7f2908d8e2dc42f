import { nodeCrypto } from '../core/lazy-crypto.js';
import { access, chmod, chown, constants, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IoError } from '../core/errors.js';
import { errnoText } from './errno.js';

/**
 * Replace one file's content as one change: the new text goes to a temp file
 * beside it (same file system) with the old file's mode (and owner, where
 * allowed), then is renamed over it. A symlink is followed: its target is
 * replaced, the link stays. If the file changed since `expected` was read,
 * nothing is written.
 */
export async function replaceFile(path: string, expected: Uint8Array, content: string): Promise<void> {
  const target = await realpath(path).catch((e: unknown) => {
    throw new IoError(`cannot fix ${path}: ${errnoText(e)}`, 'check that the file still exists');
  });
  const st = await stat(target);
  const tmp = join(dirname(target), `.${basename(target)}.nixpod-${nodeCrypto().randomBytes(4).toString('hex')}`);
  // Only a temp file this call created is removed: a file of that name already there (EEXIST) is not nixpod's.
  let made = false;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    made = true;
    try {
      await fh.writeFile(content);
    } finally {
      await fh.close();
    }
    // chmod after the write: the mode given to open(2) is cut by the umask.
    await chmod(tmp, st.mode & 0o7777);
    await chown(tmp, st.uid, st.gid).catch(() => undefined);
    const now = await readFile(target);
    if (!Buffer.from(expected).equals(now)) throw new IoError(`${path} changed while nixpod was fixing it: it was left as it is`, 'run nixpod check --fix again');
    await rename(tmp, target);
  } catch (e) {
    if (made) await rm(tmp, { force: true });
    if (e instanceof IoError) throw e;
    throw new IoError(`cannot write ${path}: ${errnoText(e)}`, `${path} was left as it was: check the folder's permissions and free space, then run again`);
  }
}

/**
 * Why `replaceFile` must leave a file alone, or undefined. A rename would
 * replace a read-only file the user protected, and would give a file with
 * other hard links a new inode: those links would keep the old text.
 */
export async function whyNotReplaceable(path: string): Promise<string | undefined> {
  const st = await stat(path).catch(() => undefined);
  // A file that cannot be looked at is replaceFile's to report.
  if (st === undefined) return undefined;
  const writable = (st.mode & 0o222) !== 0 && (await access(path, constants.W_OK).then(() => true, () => false));
  if (!writable) return `it is read-only (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}): make it writable first (chmod u+w), then run again`;
  if (st.nlink > 1) return `it has ${st.nlink} hard links: the others would keep the old text; fix it by hand (it is one file under ${st.nlink} names), or copy it to break the links`;
  return undefined;
}
