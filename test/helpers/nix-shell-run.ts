import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORACLE_CHROOT } from './oracle.js';
import { SHARED } from './shared.js';

/** What the real nix-shell 2.26 made of a script, run in place (unlike the oracle, which runs a private copy). */
export interface NixShellRun {
  ok: boolean;
  error: string | null;
  interpreter: string | null;
  /** The recorded buildInputs (the fake nixpkgs describes what each evaluated to). */
  pkgs: unknown;
  /** The `--arg`s nixpkgs was called with. */
  nixpkgsArgs: unknown;
}

/**
 * Runs the real `nix-shell SCRIPT` in the Nix 2.26 chroot from `cwd`, with
 * ../shared/nix-oracle's fake nixpkgs (every identifier in `tokens` becomes a
 * recording attribute) and its fake shell (saves the rc file and environment
 * instead of running anything). Nothing is fetched or built.
 */
export function runNixShell(script: string, cwd: string, tokens: string): NixShellRun {
  // The chroot sees this folder at its real path (a symlinked ../shared would dangle inside it).
  const oracle = realpathSync(join(SHARED ?? '', 'nix-oracle'));
  const out = mkdtempSync(join(tmpdir(), 'nixpod-nixshell-'));
  const tokenFile = join(out, 'tokens.txt');
  writeFileSync(tokenFile, tokens);
  const env = {
    PATH: '/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin',
    HOME: '/root',
    NIX_CONFIG: 'substituters =\nconnect-timeout = 2\ndownload-attempts = 1\nbuild-users-group =\n',
    NIX_PATH: `nixpkgs=${join(oracle, 'fake-nixpkgs')}`,
    NIX_BUILD_SHELL: join(oracle, 'fakeshell.sh'),
    ORACLE_SCRIPT: tokenFile,
    ORACLE_OUT: out,
  };
  const r = spawnSync(join(oracle, 'in-chroot.sh'), [ORACLE_CHROOT ?? '', 'sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', cwd, 'nix-shell', script, 'ARG1'], { env, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
  const done = r.stdout?.includes('ORACLE_FAKESHELL_DONE') ?? false;
  if (!done) return { ok: false, error: (r.stderr ?? '').split('\n').find((l) => l.includes('error:')) ?? `nix-shell failed (${r.status ?? r.signal})`, interpreter: null, pkgs: null, nixpkgsArgs: null };
  const rc = readFileSync(join(out, 'rc.txt'), 'utf8');
  const environment = Object.fromEntries(
    readFileSync(join(out, 'env.bin'), 'utf8')
      .split('\0')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  // The rc file ends with what nix-shell runs: `exec  INTERPRETER 'SCRIPT' 'ARG1'`.
  const command = rc.slice(rc.lastIndexOf('shopt -s execfail;') + 'shopt -s execfail;'.length);
  const interpreter = /^exec +(.*?) '/.exec(command.trim())?.[1] ?? null;
  const json = (v: string | undefined): unknown => (v === undefined ? null : JSON.parse(v));
  return { ok: true, error: null, interpreter, pkgs: json(environment.ORACLE_PKGS), nixpkgsArgs: json(environment.ORACLE_NIXPKGS_ARGS) };
}
