import { finding, type Finding } from '../diagnostic.js';
import type { PathRef } from '../nix/word.js';
import { colAt, type Word } from '../shebang/shellwords.js';

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|channel:|flake:)/i;

/** Findings for paths a word refers to that cannot be shipped with the script (relative ones are: see core/bundle). */
export function pathRefFindings(w: Word, refs: readonly PathRef[], what: string): Finding[] {
  return refs.flatMap((r) => {
    const at = { line: w.line, col: colAt(w, r.offset) };
    if (r.kind === 'absolute') {
      return [finding(at, 'warning', 'absolute-path', `${what} refers to ${r.text}, a path on this machine that the Pod will not have`, 'use a package from nixpkgs, or a URL')];
    }
    if (r.kind === 'home') {
      return [finding(at, 'error', 'local-file', `${what} refers to ${r.text} in a home folder, which will not exist in the Pod`, 'put the file beside the script and refer to it with a relative path: nixpod ships it')];
    }
    return [];
  });
}

/** The path of a `-I [prefix=]path` entry (a URL keeps its `=`s). */
export function nixPathTarget(value: string): string {
  const eq = value.indexOf('=');
  return eq >= 0 && !/^[a-z][a-z0-9+.-]*:/i.test(value) ? value.slice(eq + 1) : value;
}

/** `-I [prefix=]path`: relative paths resolve against the Pod's working directory. */
export function nixPathFinding(w: Word): Finding | undefined {
  const target = nixPathTarget(w.value);
  if (REMOTE.test(target) || target.startsWith('<')) return undefined;
  if (target.startsWith('/')) {
    return finding(w, 'warning', 'absolute-path', `-I ${w.value}: ${target} will not exist in the Pod, and Nix then silently falls back to the next entry`, 'pin nixpkgs to a URL instead: -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/<commit>.tar.gz');
  }
  // A relative folder is shipped with the script (core/bundle).
  return undefined;
}

export function isRemoteTarget(value: string): boolean {
  return REMOTE.test(value);
}
