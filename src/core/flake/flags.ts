import { NIX_SETTINGS } from '../shebang/nix-settings.js';

/**
 * The flags of the `nix` command (Nix 2.26, `nix __dump-cli`) that a `#! nix`
 * script can use, with how many following words each takes (`Infinity`:
 * all of them, like `--command`). Root flags are valid anywhere; a
 * subcommand's only after its name.
 */
export type FlagTable = ReadonlyMap<string, number>;

const ROOT: Record<string, number> = { debug: 0, help: 0, 'log-format': 1, offline: 0, 'no-net': 0, option: 2, 'print-build-logs': 0, quiet: 0, refresh: 0, verbose: 0, version: 0 };
const ROOT_SHORT: Record<string, string> = { L: 'print-build-logs', v: 'verbose', j: 'max-jobs' };

// Installables, evaluation, flakes and environment: shared by shell, develop and run.
const COMMON: Record<string, number> = {
  arg: 2, argstr: 2, 'arg-from-file': 2, 'arg-from-stdin': 1, 'commit-lock-file': 0, debugger: 0, 'eval-store': 1, expr: 1, file: 1,
  'ignore-env': 0, 'ignore-environment': 0, impure: 0, include: 1, 'inputs-from': 1, 'keep-env-var': 1, keep: 1, 'no-registries': 0,
  'no-update-lock-file': 0, 'no-write-lock-file': 0, 'output-lock-file': 1, 'override-flake': 2, 'override-input': 2, 'recreate-lock-file': 0,
  'reference-lock-file': 1, repair: 0, 'set-env-var': 2, 'unset-env-var': 1, unset: 1, 'update-input': 1,
};
const COMMON_SHORT: Record<string, string> = { f: 'file', i: 'ignore-env', I: 'include', k: 'keep-env-var', s: 'set-env-var', u: 'unset-env-var' };

export interface Subcommand {
  long: FlagTable;
  short: Readonly<Record<string, string>>;
}

const table = (...parts: Record<string, number>[]): FlagTable => new Map(parts.flatMap((p) => Object.entries(p)));

export const SUBCOMMANDS: Readonly<Record<'shell' | 'develop' | 'run', Subcommand>> = {
  shell: { long: table(COMMON, { command: Infinity, stdin: 0 }), short: { ...COMMON_SHORT, c: 'command' } },
  develop: {
    long: table(COMMON, { command: Infinity, build: 0, check: 0, configure: 0, install: 0, installcheck: 0, unpack: 0, phase: 1, profile: 1, redirect: 2 }),
    short: { ...COMMON_SHORT, c: 'command' },
  },
  run: { long: table(COMMON), short: COMMON_SHORT },
};

/** Every top-level command of Nix 2.26 and its aliases, for "not a recognised command" and did-you-mean. */
export const NIX_COMMANDS = [
  'build', 'bundle', 'config', 'copy', 'daemon', 'derivation', 'develop', 'edit', 'env', 'eval', 'flake', 'fmt', 'hash', 'help', 'help-stores', 'key', 'log',
  'nar', 'path-info', 'print-dev-env', 'profile', 'realisation', 'registry', 'repl', 'run', 'search', 'store', 'upgrade-nix', 'why-depends',
  'shell', 'dev-shell', 'doctor', 'show-config', 'show-derivation', 'cat-store', 'ls-store', 'ping-store', 'verify', 'sign-paths', 'copy-sigs', 'optimise-store',
  'add-to-store', 'hash-file', 'hash-path', 'to-base32', 'to-base16', 'to-base64', 'to-sri', 'diff-closures', 'make-content-addressed', 'cat-nar', 'dump-path', 'ls-nar',
];

let rootTable: Map<string, number> | undefined;

/** The root flags: nix's own and one per nix.conf setting (`--name`, `--no-name`, `--extra-name`). */
export function rootFlags(): FlagTable {
  if (rootTable) return rootTable;
  rootTable = new Map(Object.entries(ROOT));
  for (const [name, kind] of Object.entries(NIX_SETTINGS)) {
    if (kind === 'bool') {
      rootTable.set(name, 0);
      rootTable.set(`no-${name}`, 0);
    } else {
      rootTable.set(name, 1);
      if (kind === 'list') rootTable.set(`extra-${name}`, 1);
    }
  }
  return rootTable;
}

export function rootShortFlag(c: string): string | undefined {
  return Object.hasOwn(ROOT_SHORT, c) ? ROOT_SHORT[c] : undefined;
}

/** Every spelling of a flag valid at this point, for did-you-mean. */
export function flagSpellings(sub: Subcommand | undefined): string[] {
  const longs = [...rootFlags().keys(), ...(sub ? sub.long.keys() : [])].map((n) => `--${n}`);
  const shorts = [...Object.keys(ROOT_SHORT), ...(sub ? Object.keys(sub.short) : [])].map((c) => `-${c}`);
  return [...longs, ...shorts];
}
