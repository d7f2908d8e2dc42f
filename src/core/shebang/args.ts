import { finding, type Finding } from '../diagnostic.js';
import { INTEGER_SETTINGS, NIX_SETTINGS, SETTING_ALIASES } from './nix-settings.js';
import { closestMatch } from '../suggest.js';
import { allFlagSpellings, NIX_SHELL_LONG, NIX_SHELL_SHORT, registeredLongFlag, registeredShortFlag } from './flags.js';
import type { Word } from './shellwords.js';

export type CommandKind = 'interpreter' | 'run' | 'command';

/** What nix-shell makes of the words of all `#! nix-shell` lines. */
export interface ShebangArgs {
  /** The last of `-i` / `--run` / `--command` (the last one wins). */
  command: { kind: CommandKind; value: string; at: Word } | null;
  packagesFlag: Word | null;
  exprFlag: Word | null;
  /** Positional words: packages with `-p`, expressions with `-E`, else expression files. */
  positional: Word[];
  pure: boolean;
  pureFlag: Word | null;
  impureAfterPure: Word | null;
  keep: string[];
  nixPath: Word[];
  /** `valueAt`: the value's own word, for positions inside it. */
  args: Map<string, { kind: 'arg' | 'argstr'; value: string; at: Word; valueAt?: Word }>;
  attr: Word[];
  /** A flag that makes nix-shell exit or read stdin instead of running the script. */
  neverRuns: Word | null;
}

export function emptyArgs(): ShebangArgs {
  return {
    command: null, packagesFlag: null, exprFlag: null, positional: [], pure: false, pureFlag: null,
    impureAfterPure: null, keep: [], nixPath: [], args: new Map(), attr: [], neverRuns: null,
  };
}

const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);

/** `-abc` -> `-a -b -c`; the first non-letter starts the next word (`-j4` -> `-j 4`). Args::parseCmdline. */
function expandCompound(w: Word): Word[] {
  const v = w.value;
  const out: Word[] = [{ ...w, value: `-${v[1]}`, compoundOf: v }];
  for (let j = 2; j < v.length; j++) {
    if (isAlpha(v[j])) out.push({ ...w, value: `-${v[j]}`, col: w.col + j, compoundOf: v });
    else {
      out.push({ ...w, value: v.slice(j), col: w.col + j, compoundOf: v });
      break;
    }
  }
  return out;
}

class ArgError extends Error {
  constructor(readonly f: Finding) {
    super(f.message);
  }
}

function missingValue(flag: Word, arity: number, got: number): ArgError {
  const what = arity === 1 ? 'a value' : `${arity} values`;
  const msg = `flag '${flag.value}' needs ${what} but the #! nix-shell words end after ${got}`;
  return new ArgError(finding(flag, 'error', 'flag-missing-value', msg, `write the value after ${flag.value} (on the same or a later #! nix-shell line)`));
}

function unknownFlag(flag: Word, rule: string, msg: string): ArgError {
  const guess = flag.value.startsWith('-') ? closestMatch(flag.value, allFlagSpellings()) : undefined;
  let hint = guess ? `did you mean "${guess}"?` : 'see `nix-shell --help` for the flags nix-shell accepts';
  const c = flag.compoundOf;
  if (c !== undefined) {
    const pieces = [...c.slice(1)].map((ch) => `-${ch}`).join(' ');
    hint = `Nix reads '${c}' as separate letter flags (${pieces}): put a space after the flag, e.g. '${c.slice(0, 2)} ${c.slice(2)}'`;
  }
  return new ArgError(finding(flag, 'error', rule, msg, hint));
}

/**
 * Parse the word list like RootArgs::parseCmdline with LegacyArgs/MixEvalArgs
 * and nix-build.cc's callback: registered flags first, then nix-shell's own.
 * Stops at the first error, as Nix does.
 */
export function parseShebangArgs(words: readonly Word[]): { args: ShebangArgs; error?: Finding } {
  const st = emptyArgs();
  const list = [...words];
  let dashDash = false;
  try {
    // --help and --version act at once (nix-shell prints and exits): later words are never read.
    for (let i = 0; i < list.length && !exitsAt(st); ) {
      let w = list[i] as Word;
      const v = w.value;
      if (!dashDash && v.length > 2 && v[0] === '-' && v[1] !== '-' && isAlpha(v[1])) {
        list.splice(i, 1, ...expandCompound(w));
        w = list[i] as Word;
      }
      if (!dashDash && w.value === '--') {
        dashDash = true;
        i++;
      } else if (!dashDash && w.value.startsWith('-')) {
        i = processFlag(st, list, i);
      } else {
        // LegacyArgs::processArgs hands each positional word to the same callback, alone.
        processNixShellFlag(st, [w], 0, true);
        i++;
      }
    }
  } catch (e) {
    if (e instanceof ArgError) return { args: st, error: e.f };
    throw e;
  }
  return { args: st };
}

function exitsAt(st: ShebangArgs): boolean {
  return st.neverRuns !== null && st.neverRuns.value !== '-';
}

function takeValues(list: readonly Word[], i: number, arity: number): string[] {
  const flag = list[i] as Word;
  const values: string[] = [];
  for (let n = 0; n < arity; n++) {
    const v = list[i + 1 + n];
    if (v === undefined) throw missingValue(flag, arity, n);
    values.push(v.value);
  }
  return values;
}

function processFlag(st: ShebangArgs, list: Word[], i: number): number {
  const w = list[i] as Word;
  let name: string | undefined;
  if (w.value.startsWith('--')) name = w.value.slice(2);
  else if (w.value.length === 2) name = registeredShortFlag(w.value[1] as string);
  const arity = name === undefined ? undefined : registeredLongFlag(name);
  if (name !== undefined && arity !== undefined) {
    applyRegistered(st, name, w, takeValues(list, i, arity), list[i + 2]);
    return i + 1 + arity;
  }
  return processNixShellFlag(st, list, i, false);
}

function applyRegistered(st: ShebangArgs, name: string, w: Word, values: string[], second?: Word): void {
  const [a = '', b = ''] = values;
  // `--option NAME VALUE` catches the same error and only warns (libmain/common-args.cc), so only setting flags stop here.
  const setting = Object.hasOwn(NIX_SETTINGS, name) ? { name, value: a } : undefined;
  const problem = setting && settingValueProblem(setting.name, setting.value);
  if (problem !== undefined) {
    throw new ArgError(finding(w, 'error', 'invalid-setting-value', `${w.value}: ${problem} (Nix stops here)`, `give '${setting?.name}' a whole number, optionally with a K, M, G or T suffix`));
  }
  if (name === 'impure') {
    // Consumed by MixEvalArgs: never reaches nix-shell's `--impure`, so it cannot undo --pure.
    if (st.pure && !st.impureAfterPure) st.impureAfterPure = w;
  } else if (name === 'include') st.nixPath.push({ ...w, value: a });
  else if (name === 'arg' || name === 'argstr') st.args.set(a, { kind: name, value: b, at: w, ...(second ? { valueAt: second } : {}) });
}

/**
 * Nix parses integer settings as soon as a setting flag (`--cores N`, `-j N`)
 * sets them (libutil config-impl.hh, string2IntWithUnitPrefix): a last letter must be
 * K, M, G or T, the rest an integer; `max-jobs` also takes `auto`. The
 * message is Nix's own.
 */
function settingValueProblem(name: string, value: string): string | undefined {
  const canonical = SETTING_ALIASES[name] ?? name;
  if (!INTEGER_SETTINGS.has(canonical) || (canonical === 'max-jobs' && value === 'auto')) return undefined;
  let digits = value;
  const last = value.at(-1) ?? '';
  if (/[A-Za-z]/.test(last)) {
    const unit = last.toUpperCase();
    if (!'KMGT'.includes(unit)) return `invalid unit specifier '${unit}'`;
    digits = value.slice(0, -1);
  }
  return /^[0-9]+$/.test(digits) ? undefined : `'${digits}' is not an integer`;
}

/** nix-build.cc's callback. `alone` is true for positional words (no following words to take). */
function processNixShellFlag(st: ShebangArgs, list: Word[], i: number, alone: boolean): number {
  const w = list[i] as Word;
  const v = w.value;
  const long = v.startsWith('--') ? v.slice(2) : undefined;
  const short = !long && v.length === 2 && v[0] === '-' ? v[1] : undefined;
  const table = long !== undefined ? NIX_SHELL_LONG : NIX_SHELL_SHORT;
  const key = long ?? short;
  const arity = key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
  if (arity === undefined) {
    if (v === '-') {
      st.neverRuns ??= w;
      return i + 1;
    }
    if (v.startsWith('-')) {
      const msg = alone ? `unexpected argument '${v}' after '--'` : `unrecognised flag '${v}'`;
      throw unknownFlag(w, 'unknown-flag', msg);
    }
    st.positional.push(w);
    return i + 1;
  }
  const values = takeValues(alone ? [w] : list, alone ? 0 : i, arity);
  applyNixShell(st, key ?? '', w, values[0] ?? '');
  return i + 1 + arity;
}

function applyNixShell(st: ShebangArgs, name: string, w: Word, value: string): void {
  switch (name) {
    case 'help':
    case 'version':
      st.neverRuns = w; // wins over an earlier '-': nix-shell exits here
      break;
    case 'attr':
    case 'A':
      st.attr.push({ ...w, value });
      break;
    case 'run':
    case 'command':
      st.command = { kind: name, value, at: w };
      break;
    case 'i':
      st.command = { kind: 'interpreter', value, at: w };
      break;
    case 'expr':
    case 'E':
      st.exprFlag ??= w;
      break;
    case 'packages':
    case 'p':
      st.packagesFlag ??= w;
      break;
    case 'pure':
      st.pure = true;
      st.pureFlag ??= w;
      break;
    case 'impure':
      st.pure = false;
      break;
    case 'keep':
      if (!st.keep.includes(value)) st.keep.push(value);
      break;
  }
}
