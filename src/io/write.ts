import { link, lstat, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IoError } from '../core/errors.js';
import { errnoText } from './errno.js';
import { makeOutputFolder } from './made-dir.js';
import { removeStaleStages, stagePrefix } from './stage.js';

/**
 * Write a set of files into `dir` as one change: all of them, or none.
 * Every file is first written into a staging folder inside `dir` (same file
 * system; a content given as a function is made only then, so the texts of a
 * large run are never all held), then each is renamed over its target; the old targets are kept as
 * hard links until the end, so a failed rename puts back the ones already
 * replaced. The files in `remove` go in the same change: moved into the
 * staging folder (and put back if anything fails), deleted with it at the end.
 * No temp file survives, whatever happens, and a `dir` this call created
 * (with the folders above it) is removed again when the write fails; one
 * that a killed run left behind goes with the next write (stage.ts). If an
 * earlier file cannot be put back, the staging folder that holds it is kept
 * and the error says where.
 */
export async function writeFilesAtomically(dir: string, files: readonly { name: string; content: string | (() => string) }[], signal?: AbortSignal, remove: readonly string[] = []): Promise<string[]> {
  const undo = await makeOutputFolder(dir);
  // A failed write (a full disk, Ctrl-C) takes away the folders it made, so that "nothing was changed" holds.
  // A killed run's leftover goes first: it may be what fills the disk.
  await removeStaleStages(dir);
  return await writeInto(dir, files, signal, remove).catch(async (e: unknown) => {
    await undo();
    throw e;
  });
}

async function writeInto(dir: string, files: readonly { name: string; content: string | (() => string) }[], signal: AbortSignal | undefined, remove: readonly string[]): Promise<string[]> {
  for (const f of files) await checkTarget(join(dir, f.name));
  const stage = await mkdtemp(stagePrefix(dir)).catch((e: unknown) => {
    throw new IoError(`cannot write to ${dir}: ${errnoText(e)}`, 'check that the folder is writable');
  });
  let keepStage = false;
  try {
    for (const f of files) {
      signal?.throwIfAborted();
      await writeFile(join(stage, f.name), typeof f.content === 'string' ? f.content : f.content()).catch((e: unknown) => {
        throw new IoError(`cannot write ${join(dir, f.name)}: ${errnoText(e)}`, `nothing in ${dir} was changed: free space or raise the file size limit, then run again`);
      });
    }
    return await swapIn(dir, stage, files.map((f) => f.name), remove);
  } catch (e) {
    keepStage = e instanceof StuckError;
    throw e;
  } finally {
    // An earlier file that could not be put back is still in the staging folder: never delete it.
    if (!keepStage) await rm(stage, { recursive: true, force: true });
  }
}

/** A failed write whose rollback could not put every earlier file back: its staging folder is kept. */
class StuckError extends IoError {}

/** A target that is a folder, a link or a special file is refused before anything changes. */
async function checkTarget(target: string): Promise<void> {
  const st = await lstat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new IoError(`cannot write ${target}: ${errnoText(e)}`, 'check the folder and its permissions');
  });
  if (st && !st.isFile()) throw new IoError(`cannot write ${target}: it exists and is not a regular file`, 'move it out of the way, or write to another folder');
}

async function swapIn(dir: string, stage: string, names: readonly string[], remove: readonly string[]): Promise<string[]> {
  const done: { target: string; backup: string | undefined }[] = [];
  const moved: { target: string; backup: string }[] = [];
  try {
    for (const [i, name] of names.entries()) {
      const target = join(dir, name);
      const backup = join(stage, `.old-${i}`);
      const had = await link(target, backup).then(
        () => true,
        (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return false;
          throw e;
        },
      );
      await rename(join(stage, name), target);
      done.push({ target, backup: had ? backup : undefined });
    }
    for (const [i, name] of remove.entries()) {
      const gone = { target: join(dir, name), backup: join(stage, `.gone-${i}`) };
      await rename(gone.target, gone.backup);
      moved.push(gone);
    }
  } catch (e) {
    const stuck: string[] = [];
    for (const m of moved.reverse()) await rename(m.backup, m.target).catch(() => stuck.push(`${m.backup} (was ${m.target})`));
    for (const d of done.reverse()) {
      if (d.backup) await rename(d.backup, d.target).catch(() => stuck.push(`${d.backup} (was ${d.target})`));
      else await rm(d.target, { force: true }).catch(() => undefined);
    }
    if (stuck.length > 0) throw new StuckError(`cannot replace files in ${dir}: ${errnoText(e)}, and ${stuck.length} earlier file${stuck.length === 1 ? '' : 's'} could not be put back`, `they are kept: move ${stuck.join(', ')} back`);
    throw new IoError(`cannot replace files in ${dir}: ${errnoText(e)}`, `nothing in ${dir} was changed: check its permissions, then run again`);
  }
  return done.map((d) => d.target);
}
