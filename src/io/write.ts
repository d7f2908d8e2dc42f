import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError } from '../core/errors.js';

/**
 * Write every file to a temp name first, then rename them all into place, so
 * a failure leaves no half-written file behind.
 */
export async function writeFilesAtomically(dir: string, files: readonly { name: string; content: string }[]): Promise<string[]> {
  await mkdir(dir, { recursive: true }).catch((e: Error) => {
    throw new IoError(`cannot create ${dir}: ${e.message}`);
  });
  const temps: string[] = [];
  try {
    for (const f of files) {
      const tmp = join(dir, `.${f.name}.${process.pid}.tmp`);
      temps.push(tmp);
      await writeFile(tmp, f.content);
    }
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw new IoError(`cannot write to ${dir}: ${(e as Error).message}`);
  }
  const written: string[] = [];
  for (const [i, f] of files.entries()) {
    const target = join(dir, f.name);
    await rename(temps[i] as string, target);
    written.push(target);
  }
  return written;
}
