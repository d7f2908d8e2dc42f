/**
 * Which program the first line runs, hence which reads the script:
 * `#!/usr/bin/env nix` -> `nix` (flake shebang), `#!/usr/bin/env nix-shell` -> nix-shell.
 * undefined for anything else (`#!/bin/bash` with `#! nix-shell` lines is still read by nix-shell in the Pod).
 */
export function firstLineProgram(firstLine: string): 'nix' | 'nix-shell' | undefined {
  const m = /^#![ \t]*(\S+)(.*)$/.exec(firstLine.replace(/[ \t\r]+$/, ''));
  if (!m) return undefined;
  let prog = base(m[1] as string);
  if (prog === 'env') {
    // env [-S] [-i] [NAME=VALUE]... PROGRAM: the first word that is neither an option nor an assignment.
    const words = (m[2] ?? '').trim().split(/[ \t]+/);
    prog = base(words.find((w) => w !== '' && !w.startsWith('-') && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) ?? '');
  }
  return prog === 'nix' || prog === 'nix-shell' ? prog : undefined;
}

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
