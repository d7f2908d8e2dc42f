import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { ScriptInput } from '../core/check/script.js';
import { IoError } from '../core/errors.js';
import { FOLDER_MARKER } from '../core/runtime/image-expr.js';
import { displayPath, folderDisplay, RelativePaths, RootFinder } from './paths.js';
import { SlabReader } from './read-files.js';

export { displayPath, RelativePaths, RootFinder } from './paths.js';

/**
 * What a folder walk leaves out, by kind, so that the summary can say so:
 * - `symlink`: links are not followed inside folders (a walk then never leaves
 *   the folder nor loops, and no script is found twice); name one to use it;
 * - `hidden`: dot-files and dot-folders (`.git`, `.env`), never scripts to ship;
 * - `node_modules`: folders of dependencies;
 * - `image-build`: folders holding `.nixpod-image`, the copies of scripts that
 *   `nixpod image -o DIR` wrote: read again, each copy would clash with its
 *   original (duplicate-name); naming the folder or a file in it reads it;
 * - `fifo`, `socket`, `device`: never opened (reading a FIFO blocks);
 * - `bad-name`: names that are not UTF-8: Node reads them with U+FFFD in
 *   place of the bad bytes, a name that opens nothing (and no Kubernetes key).
 * `no-shebang` (files that are not nix-shell scripts) is added by the caller.
 */
export type SkipKind = 'no-shebang' | 'symlink' | 'hidden' | 'node_modules' | 'image-build' | 'fifo' | 'socket' | 'device' | 'bad-name';
export type SkipCounts = Partial<Record<SkipKind, number>>;

/** A script to check, and where it belongs: `root` is its boundary (see findRoot), `source` its path from there. */
export interface ScannedScript extends ScriptInput {
  dir: string;
  root: string;
  source: string;
}

export interface Scan {
  scripts: ScannedScript[];
  skips: SkipCounts;
}

interface Found {
  abs: string;
  /** The real folder of the file (its link's own name in its folder's real place): local references resolve from there, whatever the spelling. */
  dir: string;
  explicit: boolean;
  root: string;
  source: string;
  /** As shown to the user (displayPath); worked out per folder where it can be. */
  path: string | undefined;
}

/** Files named explicitly (symlinks followed), and the regular files under named folders, in path order. */
export async function collectScripts(paths: readonly string[], cwd: string): Promise<Scan> {
  // One folder named: its walk finds each file once (links are not followed), so no set of real paths is needed.
  const found = paths.length > 1 ? new Map<string, Found>() : undefined;
  const list: Found[] = [];
  const skips: SkipCounts = {};
  const roots = new RootFinder();
  const rel = new RelativePaths();
  for (const p of paths.length > 0 ? paths : ['.']) {
    const abs = resolve(cwd, p);
    const st = await statNamed(p, abs);
    if (st.isDirectory()) {
      const real = realpathOf(p, abs);
      // Per folder: its root, and its part of each path, worked out once for all of its files.
      for (const folder of await walk(abs, real, cwd, skips)) {
        const root = roots.rootOf(folder.real) ?? real;
        const source = withSlash(relative(root, folder.real).split(sep).join('/'));
        const shown = withSlash(folderDisplay(folder.abs, cwd));
        for (const name of folder.names) {
          const f: Found = { abs: child(folder.abs, name), dir: folder.real, explicit: false, root, source: source + name, path: shown === undefined ? undefined : shown + name };
          const fileReal = child(folder.real, name);
          if (!found) list.push(f);
          else if (!found.has(fileReal)) found.set(fileReal, f);
        }
      }
    } else if (st.isFile()) {
      // The link's own name, in its folder's real place: one identity whatever the spelling.
      const real = join(realpathOf(p, dirname(abs)), basename(abs));
      const root = roots.rootOf(dirname(real)) ?? dirname(real);
      const f: Found = { abs, dir: dirname(real), explicit: true, root, source: rel.posix(root, real), path: undefined };
      if (found) found.set(real, f);
      else list.push(f);
    } else {
      throw new IoError(`${p}: is a ${specialKind(st)}, not a script file`, 'name a regular file or a folder (nixpod never reads from a FIFO, socket or device)');
    }
  }
  const files = found ? [...found.values()] : list;
  for (const f of files) f.path ??= displayPath(f.abs, cwd, rel);
  files.sort((a, b) => ((a.path as string) < (b.path as string) ? -1 : (a.path as string) > (b.path as string) ? 1 : 0));
  // Synchronous reads into shared slabs: for thousands of small files, far faster than as many promises or buffers.
  const reader = new SlabReader();
  const scripts = files.map((f) => ({ path: f.path as string, bytes: readBytes(reader, f.path as string, f.abs), explicit: f.explicit, dir: f.dir, root: f.root, source: f.source }));
  return { scripts, skips };
}

/** join(dir, name) for a name from a listing of a normalised folder, without join's normalising. */
function child(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** `dir/` for a folder's part of its files' paths; '' stays '' (the files are in the folder itself). */
function withSlash(dir: string): string;
function withSlash(dir: string | undefined): string | undefined;
function withSlash(dir: string | undefined): string | undefined {
  return dir === undefined || dir === '' ? dir : `${dir}/`;
}

async function statNamed(p: string, abs: string): Promise<Stats> {
  try {
    return statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new IoError(`${p}: a symlink loop (too many levels of symbolic links)`, 'fix the symlink so that it ends at a file or folder');
    if (code === 'EACCES') throw new IoError(`${p}: permission denied`, 'check the permissions of the path and of the folders above it');
    if (code === 'ENOENT' && lstatOf(abs)?.isSymbolicLink() === true) {
      throw new IoError(`${p}: a broken symlink (what it points to does not exist)`, 'fix the symlink, or name its target');
    }
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new IoError(`${p}: no such file or directory`, 'check the path; nixpod takes script files and folders');
    throw new IoError(`${p}: cannot read (${code ?? String(e)})`, 'check the path');
  }
}

function realpathOf(p: string, abs: string): string {
  try {
    return realpathSync(abs);
  } catch (e) {
    throw new IoError(`${p}: cannot resolve (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'check the path and its symlinks');
  }
}

function readBytes(reader: SlabReader, path: string, abs: string): Uint8Array {
  try {
    return reader.read(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : (code ?? (e as Error).message);
    throw new IoError(`${path}: cannot read the file: ${why}`, 'check that the file is readable (or leave it out)');
  }
}

/** A folder's regular files, by name. */
interface Folder {
  abs: string;
  real: string;
  names: string[];
}

/**
 * The folders under `dir` (whose real path is `real`) with their regular
 * files, counting what is left out. Links are never followed: no loops.
 * `named` is the folder the user named, read whatever it is (explicit beats the walk).
 */
async function walk(dir: string, real: string, cwd: string, skips: SkipCounts, named = true): Promise<Folder[]> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new IoError(`${displayPath(dir, cwd)}: cannot list the folder: ${code === 'EACCES' ? 'permission denied' : (code ?? String(e))}`, 'check the folder\'s permissions (it needs r and x), or leave it out');
  }
  // Known from the listing itself: no extra system call per folder.
  if (!named && entries.some((e) => e.name === FOLDER_MARKER && e.isFile())) {
    skips['image-build'] = (skips['image-build'] ?? 0) + 1;
    return [];
  }
  const here: Folder = { abs: dir, real, names: [] };
  const out = [here];
  for (const e of entries) {
    const kind = skipKind(e);
    if (kind) {
      skips[kind] = (skips[kind] ?? 0) + 1;
      continue;
    }
    // U+FFFD may be in a name, or stand for bytes that are not UTF-8: only the first opens.
    if (e.name.includes('\uFFFD') && lstatOf(join(dir, e.name)) === undefined) {
      skips['bad-name'] = (skips['bad-name'] ?? 0) + 1;
      continue;
    }
    if (e.isDirectory()) out.push(...(await walk(child(dir, e.name), child(real, e.name), cwd, skips, false)));
    else here.names.push(e.name);
  }
  return out;
}

/** lstat, or undefined when the path cannot be read (a name with U+FFFD for bytes that are not UTF-8 names nothing). */
function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function skipKind(e: Dirent): SkipKind | undefined {
  if (e.isSymbolicLink()) return 'symlink';
  if (e.name.startsWith('.')) return 'hidden';
  if (e.isDirectory()) return e.name === 'node_modules' ? 'node_modules' : undefined;
  if (e.isFile()) return undefined;
  return e.isFIFO() ? 'fifo' : e.isSocket() ? 'socket' : 'device';
}

function specialKind(st: Stats): string {
  return st.isFIFO() ? 'FIFO (named pipe)' : st.isSocket() ? 'socket' : st.isBlockDevice() || st.isCharacterDevice() ? 'device' : 'special file';
}

