import { NIX_SETTINGS } from './nix-settings.js';

/**
 * Flags Nix registers before nix-shell's own callback sees anything
 * (libmain/shared.cc LegacyArgs + MixCommonArgs, libcmd MixEvalArgs, and one
 * flag per nix.conf setting). Value: how many following words each consumes.
 */
const COMMON_LONG: Record<string, number> = {
  verbose: 0,
  quiet: 0,
  debug: 0,
  option: 2,
  'log-format': 1,
  'max-jobs': 1,
  'no-build-output': 0,
  'keep-failed': 0,
  'keep-going': 0,
  fallback: 0,
  cores: 1,
  'max-silent-time': 1,
  timeout: 1,
  'readonly-mode': 0,
  'no-gc-warning': 0,
  store: 1,
  // MixEvalArgs
  arg: 2,
  argstr: 2,
  'arg-from-file': 2,
  'arg-from-stdin': 1,
  include: 1,
  impure: 0,
  'override-flake': 2,
  'eval-store': 1,
  debugger: 0,
};

const COMMON_SHORT: Record<string, string> = {
  v: 'verbose',
  j: 'max-jobs',
  Q: 'no-build-output',
  K: 'keep-failed',
  k: 'keep-going',
  I: 'include',
};

function settingFlags(): Map<string, number> {
  const m = new Map<string, number>();
  for (const [name, kind] of Object.entries(NIX_SETTINGS)) {
    if (kind === 'bool') {
      m.set(name, 0);
      m.set(`no-${name}`, 0);
    } else {
      m.set(name, 1);
      if (kind === 'list') m.set(`extra-${name}`, 1);
    }
  }
  return m;
}

let registered: Map<string, number> | undefined;

function registeredLongFlags(): Map<string, number> {
  registered ??= new Map([...settingFlags(), ...Object.entries(COMMON_LONG)]);
  return registered;
}

/** Arity of a registered long flag (without `--`), or undefined. */
export function registeredLongFlag(name: string): number | undefined {
  return registeredLongFlags().get(name);
}

export function registeredShortFlag(c: string): string | undefined {
  return Object.hasOwn(COMMON_SHORT, c) ? COMMON_SHORT[c] : undefined;
}

/** nix-shell's own flags (nix-build.cc callback), with their arity. */
export const NIX_SHELL_LONG: Record<string, number> = {
  help: 0,
  version: 0,
  'add-drv-link': 0,
  indirect: 0,
  'no-out-link': 0,
  'no-link': 0,
  attr: 1,
  'drv-link': 1,
  'out-link': 1,
  'dry-run': 0,
  'run-env': 0,
  command: 1,
  run: 1,
  check: 0,
  exclude: 1,
  expr: 0,
  pure: 0,
  impure: 0,
  packages: 0,
  keep: 1,
};

export const NIX_SHELL_SHORT: Record<string, number> = { A: 1, o: 1, E: 0, p: 0, i: 1 };

/** Every flag spelling a user could have meant, for "did you mean". */
export function allFlagSpellings(): string[] {
  const longs = new Set([...registeredLongFlags().keys(), ...Object.keys(NIX_SHELL_LONG)]);
  const shorts = [...Object.keys(COMMON_SHORT), ...Object.keys(NIX_SHELL_SHORT)];
  return [...[...longs].map((n) => `--${n}`), ...shorts.map((c) => `-${c}`)];
}
