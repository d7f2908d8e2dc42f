import type * as ChildProcess from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { IoError } from '../core/errors.js';
import type { Lookup } from '../core/packages/lookup.js';
import { requireBuiltin } from '../io/builtins.js';

/** How to reach real Nix: the program, the environment, the working directory, and `-I` arguments for the nixpkgs asked about. */
export interface NixRun {
  program: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export function findProgram(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function requireNixInstantiate(env: Readonly<Record<string, string | undefined>>, cwd: string): NixRun {
  const program = findProgram('nix-instantiate', env);
  if (!program) throw new IoError('--nix needs nix-instantiate, which is not on PATH', 'install Nix (Debian: apt-get install nix-bin), or check against a list of packages with --package-index FILE');
  return { program, env, cwd };
}

function run(nix: NixRun, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // node:child_process when Nix is first run: `check` without --nix never spawns, and loading it (with net and dgram) costs ~2 ms.
    const { spawn } = requireBuiltin('node:child_process') as typeof ChildProcess;
    const p = spawn(nix.program, args, { cwd: nix.cwd, env: nix.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.on('error', (e) => reject(new IoError(`${nix.program}: ${e.message}`, 'check that Nix is installed and runnable')));
    p.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

// eslint-disable-next-line no-control-regex -- Nix colours its errors with ANSI escapes
const ANSI = /\x1b\[[0-9;]*m/g;
const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** Nix's error message without its code frame: the `error:` line(s) only. */
export function nixError(stderr: string): string {
  const lines = stripAnsi(stderr).split('\n');
  const i = lines.findIndex((l) => /^\s*error:/.test(l));
  const msg = i >= 0 ? lines[i]!.replace(/^\s*error:\s*/, '') || (lines[i + 1] ?? '').trim() : (lines.find((l) => l.trim() !== '') ?? 'failed');
  return msg.trim();
}

const nixString = (s: string): string => JSON.stringify(s).replace(/\$\{/g, '\\${');

/**
 * One `nix-instantiate --eval` for all attribute paths in one nixpkgs. `?` never throws where
 * `with pkgs;` would; `tryEval` catches an attribute on the way that throws when evaluated.
 */
export async function lookupPaths(nix: NixRun, includeArgs: string[], paths: readonly (readonly string[])[]): Promise<Lookup[] | { unavailable: string }> {
  const list = paths.map((p) => `[ ${p.map(nixString).join(' ')} ]`).join('\n    ');
  const expr = `let
  pkgs = import <nixpkgs> { };
  go = set: path: i:
    if i == builtins.length path then builtins.seq set { found = true; }
    else let n = builtins.elemAt path i; in
      if builtins.isAttrs set && set ? \${n} then go set.\${n} path (i + 1)
      else { found = false; depth = i; names = if builtins.isAttrs set then builtins.attrNames set else [ ]; };
  check = path: let r = builtins.tryEval (go pkgs path 0); in if r.success then r.value else { throws = true; };
in builtins.seq pkgs (map check [
    ${list}
  ])`;
  const r = await run(nix, ['--eval', '--strict', '--json', ...includeArgs, '--expr', expr]);
  if (r.code !== 0) return { unavailable: nixError(r.stderr) };
  try {
    return JSON.parse(r.stdout) as Lookup[];
  } catch {
    return { unavailable: `nix-instantiate printed no JSON: ${r.stdout.slice(0, 200).trimEnd()}` };
  }
}

/**
 * Syntax of expression words, all in one `nix-instantiate --parse`: each word on its own line
 * inside `(with {}; ( … ))` (so unbound names are not errors). A word Nix rejects is taken out
 * and the rest parsed again.
 */
export async function parseExpressions(nix: NixRun, words: readonly string[]): Promise<Map<string, string>> {
  const errors = new Map<string, string>();
  let left = [...words];
  while (left.length > 0) {
    const expr = `[\n${left.map((w) => `(with { }; (\n${w}\n))`).join('\n')}\n]`;
    const r = await run(nix, ['--parse', '--expr', expr]);
    if (r.code === 0) break;
    const at = /\u00abstring\u00bb:(\d+):\d+/.exec(stripAnsi(r.stderr));
    // Word i is on line 3 + 3i.
    const i = at ? Math.floor((Number(at[1]) - 2) / 3) : -1;
    const bad = left[Math.min(Math.max(i, 0), left.length - 1)] as string;
    if (i < 0 && left.length > 1) {
      // Not placed: ask word by word.
      for (const w of left) {
        const one = await run(nix, ['--parse', '--expr', `(with { }; (\n${w}\n))`]);
        if (one.code !== 0) errors.set(w, nixError(one.stderr));
      }
      break;
    }
    errors.set(bad, nixError(r.stderr));
    left = left.filter((w) => w !== bad);
  }
  return errors;
}

/** Every package's attribute path in a nixpkgs, as `nix-env -qaP --json` lists them. */
export async function listAttrPaths(env: Readonly<Record<string, string | undefined>>, cwd: string, nixpkgs: string | undefined): Promise<string[]> {
  const program = findProgram('nix-env', env);
  if (!program) throw new IoError('nixpod index needs nix-env, which is not on PATH', 'install Nix (Debian: apt-get install nix-bin)');
  const r = await run({ program, env, cwd }, ['-qaP', '--json', '-f', nixpkgs ?? '<nixpkgs>']);
  if (r.code !== 0) throw new IoError(`nix-env could not list the packages of ${nixpkgs ?? '<nixpkgs>'}: ${nixError(r.stderr)}`, nixpkgs ? 'check the --nixpkgs path' : 'pass --nixpkgs PATH, or set NIX_PATH=nixpkgs=…');
  try {
    return Object.keys(JSON.parse(r.stdout) as Record<string, unknown>);
  } catch {
    throw new IoError('nix-env printed no JSON', 'run nix-env -qaP --json yourself to see why');
  }
}
