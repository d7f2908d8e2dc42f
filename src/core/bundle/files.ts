import { posix } from 'node:path';
import { finding, type Finding } from '../diagnostic.js';
import { refKey, type LocalRef } from './refs.js';

/** A file shipped beside the script, by its path relative to the script's folder (`lib/x.nix`, `../default.nix`). */
export interface ShippedFile {
  rel: string;
  bytes: Uint8Array;
}

/**
 * Why a file cannot be shipped: it does not exist (`missing-file`), it is
 * outside the script's boundary, its repository root (`outside-root`), it is a
 * dot-file or lies in a dot-folder (`hidden-file`), or it cannot be read.
 */
export interface RefProblem {
  rule: 'missing-file' | 'outside-root' | 'hidden-file' | 'unreadable-file';
  why: string;
}

/** What the I/O layer found for a script's local references. */
export interface ResolvedRefs {
  files: ShippedFile[];
  /** Why a reference could not be shipped, by refKey. */
  missing: Map<string, RefProblem>;
  /** Imports inside shipped files that cannot be shipped. */
  importProblems: RefProblem[];
  /**
   * Where each `-I` entry that exists resolved to, by refKey: its path as the
   * `rel` of `files` spells it (real path, relative to the script's folder),
   * so that `../na/np` from `na/` and `./np` compare equal.
   */
  includes?: Map<string, string>;
}

const HINTS: Record<RefProblem['rule'], string> = {
  'missing-file': "create it, or fix the path (relative to the script's folder)",
  'outside-root': 'nixpod ships only files inside the repository (the nearest folder with .git, else the folder named on the command line): move the file in, or name a folder that holds both',
  'hidden-file': 'nixpod never ships dot-files or anything in a dot-folder: rename it, or move it out',
  'unreadable-file': 'check its permissions',
};

/** Errors for references that cannot be shipped. Without `resolved` (nothing looked up), every reference is one. */
export function bundleFindings(refs: readonly LocalRef[], resolved: ResolvedRefs | undefined): Finding[] {
  const out: Finding[] = [];
  for (const r of refs) {
    const what = r.kind === 'expr-file' ? `expression file '${r.target}'` : r.kind === 'include' ? `-I folder '${r.target}'` : `'${r.target}'`;
    if (!resolved) {
      out.push(finding(r.at, 'error', 'local-file', `${what} is a local file, not looked up`, 'run nixpod check or render on the script: they ship the files it names'));
      continue;
    }
    const p = resolved.missing.get(refKey(r));
    if (p !== undefined) out.push(finding(r.at, 'error', p.rule, `${what} cannot be shipped with the script: ${p.why}`, HINTS[p.rule]));
  }
  const first = refs[0];
  if (first && resolved) {
    for (const p of resolved.importProblems) out.push(finding(first.at, 'error', p.rule, `cannot ship what the script needs: ${p.why}`, p.rule === 'missing-file' ? 'create it, or fix the import' : HINTS[p.rule]));
  }
  return out;
}

/** Where everything goes under the mount folder: the relative layout of the author's machine, rooted where the highest file is. */
export interface BundleLayout {
  /** Path of the script under the mount folder. */
  scriptPath: string;
  /** The script's folder under the mount folder ('' for the mount folder itself): the Pod's working directory. */
  workingDir: string;
  /** Every shipped file (not the script) by its path under the mount folder. */
  files: { path: string; bytes: Uint8Array }[];
}

/**
 * `scriptDir` is the script's absolute folder: going up for `../x.nix` needs
 * the names of the folders passed on the way.
 */
export function bundleLayout(scriptDir: string, scriptName: string, files: readonly ShippedFile[]): BundleLayout {
  const abs = files.map((f) => posix.join(scriptDir, f.rel));
  let root = scriptDir;
  for (const a of abs) while (root !== '/' && posix.relative(root, a).startsWith('..')) root = posix.dirname(root);
  const under = (p: string): string => posix.relative(root, p);
  const workingDir = under(scriptDir);
  return {
    scriptPath: posix.join(workingDir, scriptName),
    workingDir,
    files: files.map((f, i) => ({ path: under(abs[i] as string), bytes: f.bytes })),
  };
}
