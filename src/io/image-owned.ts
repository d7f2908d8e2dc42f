import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { EXPR_MARKER, FOLDER_MARKER } from '../core/runtime/image-expr.js';

/**
 * Whether an entry of -o DIR is one `nixpod image` wrote, and so may be
 * replaced: a `.nix` file whose first line is its marker comment, or a folder
 * holding its marker file. Anything else (a symlink, the user's own folder or
 * file) is not, whatever its name.
 */
export async function writtenByImage(path: string): Promise<boolean> {
  const st = await lstat(path);
  if (st.isDirectory()) return lstat(join(path, FOLDER_MARKER)).then((m) => m.isFile(), () => false);
  if (!st.isFile() || !path.endsWith('.nix')) return false;
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(EXPR_MARKER.length);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.toString('latin1') === EXPR_MARKER;
  } finally {
    await fh.close();
  }
}
