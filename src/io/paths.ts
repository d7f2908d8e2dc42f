import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** The nearest folder holding `.git` (a folder, or a worktree's file), cached per folder. */
export class RootFinder {
  private readonly cache = new Map<string, string | undefined>();
  rootOf(dir: string): string | undefined {
    if (this.cache.has(dir)) return this.cache.get(dir);
    const parent = dirname(dir);
    const root = existsSync(join(dir, '.git')) ? dir : parent === dir ? undefined : this.rootOf(parent);
    this.cache.set(dir, root);
    return root;
  }
}

/**
 * relative(from, file) for files in few folders: the folder's part is worked
 * out once per folder (path.relative resolves and splits both paths each time).
 */
export class RelativePaths {
  private readonly byDir = new Map<string, string>();
  of(from: string, file: string): string {
    const cut = file.lastIndexOf(sep);
    if (cut < 0) return relative(from, file);
    const dir = cut === 0 ? sep : file.slice(0, cut);
    const key = `${from}\0${dir}`;
    let r = this.byDir.get(key);
    if (r === undefined) this.byDir.set(key, (r = relative(from, dir)));
    const name = file.slice(cut + 1);
    return r === '' ? name : `${r}${sep}${name}`;
  }
  posix(from: string, file: string): string {
    return this.of(from, file).split(sep).join('/');
  }
}

/** A path as the user is shown it: from cwd when it is at or below cwd, else absolute; `/`-separated. */
export function displayPath(abs: string, cwd: string, paths?: RelativePaths): string {
  const rel = paths ? paths.of(cwd, abs) : relative(cwd, abs);
  return (rel === '' || outsideOf(rel) ? abs : rel).split(sep).join('/');
}

/**
 * A folder's part of its files' display paths (displayPath of a file there is
 * this part, '/', its name; '' for cwd itself), for folders at or below cwd;
 * else undefined, and each file's path is worked out on its own.
 */
export function folderDisplay(dir: string, cwd: string): string | undefined {
  const rel = relative(cwd, dir);
  return outsideOf(rel) ? undefined : rel.split(sep).join('/');
}

/** Whether a path from cwd (path.relative's answer) leaves cwd. */
const outsideOf = (rel: string): boolean => rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
