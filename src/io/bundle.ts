import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { RefProblem, ResolvedRefs, ShippedFile } from '../core/bundle/files.js';
import { nixFileImports, refKey, type LocalRef } from '../core/bundle/refs.js';

/** At most this many files under one `-I` folder. */
const MAX_FOLDER_FILES = 1000;

/**
 * Find the files a script's local references name (see core/bundle/refs.ts),
 * and the files those import, following relative path literals in `.nix`
 * files. Paths in the result are relative to the script's folder.
 *
 * The boundary: every file is taken by its real path (symlinks resolved), and
 * refused when that is outside `root` (the script's repository root, see
 * io/scan.ts) or has a dot-name below the script's folder (`.env`,
 * `../.git/config`); inside `-I` folders such names are skipped instead.
 * `scriptAbs` and `root` are real paths.
 */
export function resolveRefs(scriptAbs: string, refs: readonly LocalRef[], root: string): ResolvedRefs {
  const scriptDir = dirname(scriptAbs);
  const shipped = new Map<string, Uint8Array>();
  const missing = new Map<string, RefProblem>();
  const queue: string[] = [];
  const show = (abs: string): string => relative(scriptDir, abs).split(sep).join('/') || '.';
  /** Ship one file (or say why not): by its real path, inside the boundary, not hidden. */
  const ship = (abs: string): RefProblem | undefined => {
    const real = realOf(abs);
    if (real === undefined) return { rule: 'missing-file', why: `${show(abs)} cannot be resolved (a broken symlink?)` };
    const refused = outside(real, root, show(abs)) ?? hidden(real, scriptDir, show(abs));
    if (refused) return refused;
    if (shipped.has(real) || real === scriptAbs) return undefined;
    try {
      shipped.set(real, readFileSync(real));
    } catch (e) {
      return { rule: 'unreadable-file', why: `${show(abs)} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
    }
    if (real.endsWith('.nix')) queue.push(real);
    return undefined;
  };
  const includes = new Map<string, string>();
  for (const r of refs) {
    const abs = resolve(scriptDir, r.target);
    const real = r.kind === 'include' ? realOf(abs) : undefined;
    if (real !== undefined) includes.set(refKey(r), show(real));
    const p = resolveRef(r, abs, show(abs), ship, (abs) => outside(realOf(abs) ?? abs, root, r.target) ?? hidden(realOf(abs) ?? abs, scriptDir, r.target));
    if (p) missing.set(refKey(r), p);
  }
  const importProblems: RefProblem[] = [];
  for (let abs = queue.shift(); abs !== undefined; abs = queue.shift()) {
    const text = new TextDecoder().decode(shipped.get(abs));
    for (const target of nixFileImports(text)) {
      const dep = resolve(dirname(abs), target);
      const st = statOf(dep);
      const file = st === 'dir' ? join(dep, 'default.nix') : dep;
      // A folder without default.nix is a path value (`src = ./.;`), not an import: nothing to ship for it.
      if (st === 'dir' && statOf(file) === undefined) continue;
      const p = st === undefined || statOf(file) !== 'file' ? { rule: 'missing-file' as const, why: `${show(abs)} imports ${target}, which does not exist` } : ship(file);
      if (p) importProblems.push(p.rule === 'missing-file' ? p : { ...p, why: `${show(abs)} imports ${target}: ${p.why}` });
    }
  }
  const files: ShippedFile[] = [...shipped].map(([abs, bytes]) => ({ rel: show(abs), bytes })).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, missing, importProblems, includes };
}

/** One reference: a file, a `-I` folder (every file in it), or a folder meaning its shell.nix/default.nix. */
function resolveRef(r: LocalRef, abs: string, shown: string, ship: (abs: string) => RefProblem | undefined, checkFolder: (abs: string) => RefProblem | undefined): RefProblem | undefined {
  const st = statOf(abs);
  if (st === undefined) return { rule: 'missing-file', why: `${r.target} does not exist (looked for ${shown} next to the script)` };
  if (st === 'other') return { rule: 'missing-file', why: `${r.target} is not a regular file or folder (a FIFO, socket or device is never read)` };
  if (st === 'file') return ship(abs);
  const folderProblem = checkFolder(abs);
  if (folderProblem) return folderProblem;
  if (r.kind === 'include') {
    let files: string[];
    try {
      files = filesUnder(abs);
    } catch (e) {
      return { rule: 'unreadable-file', why: `${r.target} cannot be listed (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
    }
    if (files.length > MAX_FOLDER_FILES) return { rule: 'missing-file', why: `${r.target} holds ${files.length} files, more than the ${MAX_FOLDER_FILES} nixpod ships for one -I folder` };
    for (const f of files) {
      const p = ship(f);
      if (p) return p;
    }
    return undefined;
  }
  // nix-shell takes a folder's shell.nix, else its default.nix; `import ./dir` takes default.nix.
  const names = r.kind === 'expr-file' ? ['shell.nix', 'default.nix'] : ['default.nix'];
  const found = names.map((n) => join(abs, n)).find((f) => statOf(f) === 'file');
  return found ? ship(found) : { rule: 'missing-file', why: `the folder ${r.target} has no ${names.join(' or ')}` };
}

function outside(real: string, root: string, shown: string): RefProblem | undefined {
  const rel = relative(root, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { rule: 'outside-root', why: `${shown} resolves to ${real}, outside ${root}` };
  return undefined;
}

function hidden(real: string, scriptDir: string, shown: string): RefProblem | undefined {
  const dot = relative(scriptDir, real).split(sep).find((s) => s.startsWith('.') && s !== '..' && s !== '.');
  return dot === undefined ? undefined : { rule: 'hidden-file', why: `${shown} is hidden (${dot})` };
}

function realOf(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function statOf(p: string): 'file' | 'dir' | 'other' | undefined {
  try {
    const st = statSync(p);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch {
    return undefined;
  }
}

/** The files of a `-I` folder: dot-names skipped, symlinks to files followed (then held to the boundary), linked folders not entered (no loops). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile() || (e.isSymbolicLink() && statOf(p) === 'file')) out.push(p);
  }
  return out;
}
