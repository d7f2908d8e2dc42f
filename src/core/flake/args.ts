import { finding, type Finding } from '../diagnostic.js';
import { closestMatch } from '../suggest.js';
import type { Word } from '../shebang/shellwords.js';
import { flagSpellings, NIX_COMMANDS, rootFlags, rootShortFlag, SUBCOMMANDS, type Subcommand } from './flags.js';

/** Stands for the script's own path, which `nix` appends after the shebang words. */
export const SCRIPT_WORD = '\u0000script';
export const isScriptWord = (w: Word): boolean => w.value === SCRIPT_WORD;

export type FlakeCommand = 'shell' | 'develop' | 'run';

/** What `nix` makes of the words of the `#! nix` lines, the script path and its arguments. */
export interface FlakeArgs {
  /** The subcommand as written (`shell`), and which one it is; null before one is named. */
  commandWord: Word | null;
  command: FlakeCommand | null;
  /** A real Nix command nixpod does not model (`nix build`): parsing stopped there. */
  unchecked: boolean;
  installables: Word[];
  /** `--command`/`-c` and everything after it (the program, its arguments, then the script and its arguments). */
  commandFlag: Word | null;
  exec: Word[];
  /** `nix run`: the installable's program gets these words. */
  runArgs: Word[];
  expr: Word | null;
  file: Word | null;
  impure: boolean;
  inputsFrom: Word[];
  /**
   * Whether --impure came before the first --inputs-from: that flag's handler
   * makes nix's evaluator there and then, pure unless --impure was already
   * seen (null: no --inputs-from). Verified with Nix 2.26.
   */
  impureAtInputsFrom: boolean | null;
  /** `--override-input NAME REF`: the REF words. */
  overrideRefs: Word[];
  ignoreEnv: Word | null;
  keep: string[];
  /** `--unset-env-var NAME`. */
  unset: string[];
  /** `--set-env-var NAME VALUE`: the NAME words, in order (a repeat is nix's error). */
  setEnv: Word[];
  nixPath: Word[];
  args: Map<string, { kind: 'arg' | 'argstr'; value: string; at: Word }>;
  /** `--help`/`--version`: nix prints and exits. */
  neverRuns: Word | null;
}

export function emptyFlakeArgs(): FlakeArgs {
  return {
    commandWord: null, command: null, unchecked: false, installables: [], commandFlag: null, exec: [], runArgs: [], expr: null, file: null, impure: false,
    inputsFrom: [], impureAtInputsFrom: null, overrideRefs: [], ignoreEnv: null, keep: [], unset: [], setEnv: [], nixPath: [], args: new Map(), neverRuns: null,
  };
}

class ArgError extends Error {
  constructor(readonly f: Finding) {
    super(f.message);
  }
}

const fail = (w: Word, rule: string, msg: string, hint: string): ArgError => new ArgError(finding(w, 'error', rule, msg, hint));
const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);

/** `-ic` -> `-i -c`; the first non-letter starts the next word (Args::parseCmdline). */
function expandCompound(w: Word): Word[] {
  const v = w.value;
  const out: Word[] = [{ ...w, value: `-${v[1]}`, compoundOf: v }];
  for (let j = 2; j < v.length; j++) {
    out.push({ ...w, value: isAlpha(v[j]) ? `-${v[j]}` : v.slice(j), col: w.col + j, compoundOf: v });
    if (!isAlpha(v[j])) break;
  }
  return out;
}

/** RootArgs::parseCmdline for `nix WORDS… SCRIPT ARGS…`, with the flags of `nix`, `nix shell`, `nix develop` and `nix run`. */
export function parseFlakeArgs(words: readonly Word[], scriptArgs: readonly string[] = []): { args: FlakeArgs; error?: Finding } {
  const st = emptyFlakeArgs();
  const tail = { line: words.at(-1)?.line ?? 1, col: 1, singleQuoted: false };
  const list: Word[] = [...words, { ...tail, value: SCRIPT_WORD }, ...scriptArgs.map((value) => ({ ...tail, value }))];
  const positional: Word[] = [];
  let dashDash = false;
  try {
    for (let i = 0; i < list.length && !st.neverRuns && !st.unchecked; ) {
      let w = list[i] as Word;
      if (!dashDash && w.value.length > 2 && w.value[0] === '-' && w.value[1] !== '-' && isAlpha(w.value[1])) {
        list.splice(i, 1, ...expandCompound(w));
        w = list[i] as Word;
      }
      if (!dashDash && w.value === '--') {
        dashDash = true;
        i++;
      } else if (!dashDash && w.value.startsWith('-')) i = processFlag(st, list, i);
      else {
        if (st.commandWord === null || (st.command === null && st.commandWord.value === 'env')) selectCommand(st, w);
        else positional.push(w);
        i++;
      }
    }
    if (!st.neverRuns && !st.unchecked) placePositional(st, positional);
  } catch (e) {
    if (e instanceof ArgError) return { args: st, error: e.f };
    throw e;
  }
  return { args: st };
}

function selectCommand(st: FlakeArgs, w: Word): void {
  const name = st.commandWord?.value === 'env' ? `env ${w.value}` : w.value;
  const which: Record<string, FlakeCommand> = { shell: 'shell', 'env shell': 'shell', develop: 'develop', 'dev-shell': 'develop', run: 'run' };
  if (w.value === 'env' && st.commandWord === null) {
    st.commandWord = w;
    return;
  }
  if (Object.hasOwn(which, name)) {
    st.commandWord = w;
    st.command = which[name] as FlakeCommand;
    return;
  }
  const shown = isScriptWord(w) ? 'the script' : `'${w.value}'`;
  if (st.commandWord === null && NIX_COMMANDS.includes(w.value)) {
    st.commandWord = w;
    st.unchecked = true;
    return;
  }
  const guess = isScriptWord(w) ? undefined : closestMatch(w.value, st.commandWord ? ['shell'] : NIX_COMMANDS);
  const hint = guess ? `did you mean '${guess}'?` : 'name the command first: #! nix shell nixpkgs#PACKAGE --command PROGRAM';
  throw fail(w, 'flake-unknown-command', `${shown} is not a recognised command${isScriptWord(w) ? ': no #! nix line names one' : ''}`, hint);
}

function processFlag(st: FlakeArgs, list: Word[], i: number): number {
  const w = list[i] as Word;
  const sub: Subcommand | undefined = st.command ? SUBCOMMANDS[st.command] : undefined;
  const long = w.value.startsWith('--') ? w.value.slice(2) : undefined;
  const short = long === undefined && w.value.length === 2 ? w.value[1] : undefined;
  let name: string | undefined;
  let arity: number | undefined;
  const root = long ?? (short !== undefined ? rootShortFlag(short) : undefined);
  if (root !== undefined && rootFlags().has(root)) [name, arity] = [root, rootFlags().get(root)];
  else if (sub) {
    const n = long ?? (short !== undefined && Object.hasOwn(sub.short, short) ? sub.short[short] : undefined);
    if (n !== undefined && sub.long.has(n)) [name, arity] = [n, sub.long.get(n)];
  }
  if (name === undefined || arity === undefined) {
    const guess = closestMatch(w.value, flagSpellings(sub));
    const where = sub ? `nix ${st.command}` : 'nix (before the command)';
    throw fail(w, 'unknown-flag', `unrecognised flag '${w.value}'`, guess ? `did you mean "${guess}"?` : `see \`${where} --help\` for the flags it accepts`);
  }
  const values = list.slice(i + 1, arity === Infinity ? list.length : i + 1 + arity);
  if (arity !== Infinity && values.length < arity) {
    throw fail(w, 'flag-missing-value', `flag '${w.value}' requires ${arity} argument(s), but only ${values.length} were given`, `write the value after ${w.value}`);
  }
  if (values.some(isScriptWord) && arity !== Infinity) {
    throw fail(w, 'flag-missing-value', `flag '${w.value}' takes the script's own path as its value: the #! nix words end too early`, `write the value after ${w.value}`);
  }
  applyFlag(st, name, w, values);
  return i + 1 + values.length;
}

function applyFlag(st: FlakeArgs, name: string, w: Word, values: Word[]): void {
  const [a, b] = values;
  switch (name) {
    case 'help':
    case 'version':
      st.neverRuns = w;
      break;
    case 'command':
      st.commandFlag = w;
      st.exec = values;
      break;
    case 'expr':
      st.expr = a ?? null;
      break;
    case 'file':
      st.file = a ?? null;
      break;
    case 'impure':
      st.impure = true;
      break;
    case 'inputs-from':
      st.impureAtInputsFrom ??= st.impure;
      if (a) st.inputsFrom.push(a);
      break;
    case 'override-input':
      if (b) st.overrideRefs.push(b);
      break;
    case 'ignore-env':
    case 'ignore-environment':
      st.ignoreEnv ??= w;
      break;
    case 'keep-env-var':
    case 'keep':
      if (a && !st.keep.includes(a.value)) st.keep.push(a.value);
      break;
    case 'set-env-var':
      if (a) st.setEnv.push(a);
      break;
    case 'unset-env-var':
    case 'unset':
      if (a) st.unset.push(a.value);
      break;
    case 'include':
      if (a) st.nixPath.push(a);
      break;
    case 'arg':
    case 'argstr':
      if (a && b) st.args.set(a.value, { kind: name, value: b.value, at: w });
      break;
  }
}

/** Installables, and `nix run`'s program arguments; too many for `nix develop` is Nix's usage error. */
function placePositional(st: FlakeArgs, positional: Word[]): void {
  if (st.command === 'shell') st.installables = positional;
  else if (st.command === 'run') {
    st.installables = positional.slice(0, 1);
    st.runArgs = positional.slice(1);
  } else if (st.command === 'develop') {
    st.installables = positional.slice(0, 1);
    const extra = positional[1];
    if (extra) throw fail(extra, 'unexpected-argument', `unexpected argument ${isScriptWord(extra) ? "(the script's own path)" : `'${extra.value}'`}: nix develop takes one installable`, 'add --command PROGRAM: #! nix develop INSTALLABLE --command bash');
  }
}
