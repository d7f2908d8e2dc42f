import { finding, type Finding } from '../diagnostic.js';
import type { PathRef } from '../nix/word.js';
import type { Word } from '../shebang/shellwords.js';

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|channel:|flake:)/i;

/** Findings for files a word refers to that will not exist in the Pod. */
export function pathRefFindings(w: Word, refs: readonly PathRef[], what: string): Finding[] {
  return refs.map((r) => {
    const at = { line: w.line, col: w.col + r.offset };
    if (r.kind === 'absolute') {
      return finding(at, 'warning', 'absolute-path', `${what} refers to ${r.text}, a path on this machine that the Pod will not have`, 'use a package from nixpkgs, or a URL');
    }
    return finding(at, 'error', 'local-file', `${what} refers to the local file ${r.text}, which will not exist in the Pod (only the script is shipped)`, 'inline it, use a nixpkgs package, or fetch it from a URL');
  });
}

/** `-I [prefix=]path`: relative paths resolve against the Pod's working directory. */
export function nixPathFinding(w: Word): Finding | undefined {
  const eq = w.value.indexOf('=');
  const target = eq >= 0 && !/^[a-z][a-z0-9+.-]*:/i.test(w.value) ? w.value.slice(eq + 1) : w.value;
  if (REMOTE.test(target) || target.startsWith('<')) return undefined;
  if (target.startsWith('/')) {
    return finding(w, 'warning', 'absolute-path', `-I ${w.value}: ${target} will not exist in the Pod, and Nix then silently falls back to the next entry`, 'pin nixpkgs to a URL instead: -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/<commit>.tar.gz');
  }
  return finding(w, 'error', 'local-file', `-I ${w.value}: the relative path ${target} will not exist in the Pod (Nix resolves it against the working directory and silently falls back when it is missing)`, 'pin nixpkgs to a URL instead: -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/<commit>.tar.gz');
}

export function isRemoteTarget(value: string): boolean {
  return REMOTE.test(value);
}
