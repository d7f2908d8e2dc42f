import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ResolvedRefs, ShippedFile } from '../core/bundle/files.js';
import { nixFileImports, refKey, type LocalRef } from '../core/bundle/refs.js';

/** At most this many files under one `-I` folder. */
const MAX_FOLDER_FILES = 1000;

/**
 * Find the files a script's local references name (see core/bundle/refs.ts),
 * and the files those import, following relative path literals in `.nix`
 * files. Paths in the result are relative to the script's folder.
 */
export function resolveRefs(scriptAbs: string, refs: readonly LocalRef[]): ResolvedRefs {
  const scriptDir = dirname(scriptAbs);
  const shipped = new Map<string, Uint8Array>();
  const missing = new Map<string, string>();
  const queue: string[] = [];
  const ship = (abs: string): void => {
    if (shipped.has(abs) || abs === scriptAbs) return;
    shipped.set(abs, readFileSync(abs));
    if (abs.endsWith('.nix')) queue.push(abs);
  };
  const show = (abs: string): string => relative(scriptDir, abs).split(sep).join('/') || '.';
  for (const r of refs) {
    const abs = resolve(scriptDir, r.target);
    const st = statOf(abs);
    if (!st) {
      missing.set(refKey(r), `${r.target} does not exist (looked for ${show(abs)} next to the script)`);
    } else if (st === 'file') ship(abs);
    else if (r.kind === 'include') {
      const files = filesUnder(abs);
      if (files.length > MAX_FOLDER_FILES) missing.set(refKey(r), `${r.target} holds ${files.length} files, more than the ${MAX_FOLDER_FILES} nixpod ships for one -I folder`);
      else files.forEach(ship);
    } else {
      // nix-shell takes a folder's shell.nix, else its default.nix; `import ./dir` takes default.nix.
      const names = r.kind === 'expr-file' ? ['shell.nix', 'default.nix'] : ['default.nix'];
      const found = names.map((n) => join(abs, n)).find((f) => statOf(f) === 'file');
      if (found) ship(found);
      else missing.set(refKey(r), `the folder ${r.target} has no ${names.join(' or ')}`);
    }
  }
  const importProblems: string[] = [];
  for (let abs = queue.shift(); abs !== undefined; abs = queue.shift()) {
    const text = new TextDecoder().decode(shipped.get(abs));
    for (const target of nixFileImports(text)) {
      const dep = resolve(dirname(abs), target);
      const st = statOf(dep);
      const file = st === 'dir' ? join(dep, 'default.nix') : dep;
      if (st === undefined || statOf(file) !== 'file') importProblems.push(`${show(abs)} imports ${target}, which does not exist`);
      else ship(file);
    }
  }
  const files: ShippedFile[] = [...shipped].map(([abs, bytes]) => ({ rel: show(abs), bytes })).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, missing, importProblems };
}

function statOf(p: string): 'file' | 'dir' | undefined {
  try {
    const st = statSync(p);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : undefined;
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
