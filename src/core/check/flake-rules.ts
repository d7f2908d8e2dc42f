import { finding, type Finding, type Position } from '../diagnostic.js';
import { isScriptWord, type FlakeArgs } from '../flake/args.js';
import { badAttrComponent, classifyInstallable, flakeId, pinnedForm, REGISTRY_IDS, type Installable } from '../flake/refs.js';
import { closestMatch } from '../suggest.js';
import { lexNix } from '../nix/lexer.js';
import { analyzeNixWord } from '../nix/word.js';
import type { ShebangModel } from '../shebang/parse.js';
import type { Word } from '../shebang/shellwords.js';
import { guessInterpreter } from './command-rules.js';

const LOCAL_HINT = 'refer to a pushed revision instead, e.g. github:OWNER/REPO/<commit>#ATTR: a ConfigMap carries the script, not the flake it lives in';

/** What `nix` will do with a `#! nix` script: its command, its installables and the flakes they come from. */
export function checkFlake(model: ShebangModel, fileName: string): Finding[] {
  const f = model.flake;
  if (!f) return [];
  const at: Position = { line: model.lines[0]?.line ?? 1, col: 1 };
  if (f.neverRuns) return [finding(f.neverRuns, 'error', 'never-runs', `'${f.neverRuns.value}' makes nix print and exit: the script itself never runs`, `remove '${f.neverRuns.value}'`)];
  if (f.unchecked) {
    const w = f.commandWord as Word;
    return [finding(w, 'error', 'unsupported-nix-command', `'nix ${w.value}' does not run the script: nix appends the script's path to its arguments, and only nix shell, nix develop and nix run then run a program on it`, 'use: #! nix shell INSTALLABLES --command PROGRAM')];
  }
  return [...checkCommandOf(f, at, fileName), ...checkInstallables(f, at), ...checkFlakeInputs(f), ...checkExpr(f), ...checkAutoArgs(f), ...checkEnvFlags(f)];
}

function checkCommandOf(f: FlakeArgs, at: Position, fileName: string): Finding[] {
  const i = guessInterpreter(fileName);
  if (f.command === 'run') {
    if (f.installables.some(isScriptWord)) return [finding(f.commandWord ?? at, 'error', 'no-installable', "nix run names no installable, so it takes the script's own path as one, which Nix rejects", 'name the program: #! nix run nixpkgs#PACKAGE')];
    return [];
  }
  if (f.installables.some(isScriptWord)) {
    const msg = "no --command: nix appends the script's path after the #! nix words, so it becomes an installable, which Nix rejects (\"path '…' is not a flake\")";
    return [finding(at, 'error', 'no-command', msg, `end the last #! nix line with: --command ${i}`)];
  }
  const program = f.exec[0];
  if (f.commandFlag && (!program || isScriptWord(program))) {
    const msg = '--command names no program: nix runs the script itself, whose #! line runs nix again, without end';
    return [finding(f.commandFlag, 'error', 'no-command', msg, `name the interpreter: --command ${i}`)];
  }
  if (!f.commandFlag) return [finding(at, 'error', 'no-command', 'no --command: nix starts an interactive shell, which in a Pod ends at once without running the script', `end the last #! nix line with: --command ${i}`)];
  return [];
}

function checkInstallables(f: FlakeArgs, at: Position): Finding[] {
  const out: Finding[] = [];
  const installables = f.installables.filter((w) => !isScriptWord(w));
  if (f.expr || f.file) {
    for (const w of installables) out.push(...attrFindings(w, w.value, w.value));
    return out;
  }
  if (installables.length === 0 && f.command !== null) {
    const msg = `no installable: nix ${f.command} uses the flake in the script's folder ('.'), which the Pod does not have`;
    out.push(finding(f.commandWord ?? at, 'error', 'local-flake', msg, 'name the packages: #! nix shell nixpkgs#PACKAGE …'));
  }
  // With --inputs-from, an indirect id is first looked up among that flake's locked inputs: pinned when the flake is.
  // nixpkgs has no inputs: through it, every id still resolves through the registry.
  const from = f.inputsFrom.map((x) => classifyInstallable(x.value)).filter((x) => x.kind !== 'local' && x.kind !== 'invalid' && !NIXPKGS.test(x.ref));
  const via: Via = { inputsFrom: from.length > 0, pinned: from.some((x) => x.pinned) };
  for (const w of installables) out.push(...refFindings(w, classifyInstallable(w.value), via));
  return out;
}

/** What `--inputs-from` does to indirect references: they may be inputs of that flake, locked when it is pinned. */
interface Via {
  inputsFrom: boolean;
  pinned: boolean;
}

function refFindings(w: Word, inst: Installable, via: Via): Finding[] {
  if (inst.kind === 'invalid') return [finding(w, 'error', 'flake-ref', `'${w.value}' is not a flake reference: ${inst.problem ?? ''}`, 'write FLAKE#ATTRIBUTE, e.g. nixpkgs#jq or github:NixOS/nixpkgs/<commit>#jq')];
  if (inst.kind === 'local') return [finding(w, 'error', 'local-flake', `'${w.value}' refers to a flake on this machine (${inst.ref === '' ? "the script's folder" : inst.ref}), which the Pod does not have`, LOCAL_HINT)];
  const out = inst.attrPath === null || inst.attrPath === '' ? noAttr(w, inst) : attrFindings(w, inst.attrPath, w.value);
  // An id may be an input of the --inputs-from flake, which nixpod cannot see without fetching it.
  if (!via.inputsFrom) out.push(...registryFindings(w, inst));
  if (!inst.pinned && !(inst.kind === 'indirect' && via.pinned)) {
    const msg = `'${w.value}' is not pinned: ${inst.kind === 'indirect' ? 'it follows the flake registry' : 'it follows a branch'}, so the Pod gets whatever revision is current when it starts`;
    out.push(finding(w, 'warning', 'unpinned-flake', msg, `pin a revision: ${pinnedForm(inst)}`));
  }
  return out;
}

/** An indirect reference resolves through the global registry only (the Pod has no user registry). */
function registryFindings(w: Word, inst: Installable): Finding[] {
  const id = flakeId(inst);
  if (id === undefined || REGISTRY_IDS.includes(id)) return [];
  const guess = closestMatch(id, REGISTRY_IDS);
  // The Pod's nix has only the global registry (no user or system one): an id that is not there stops it.
  const hint = guess ? `did you mean '${guess}'?` : "write the flake's URL instead, e.g. github:OWNER/REPO/<commit>#ATTR";
  return [finding(w, 'error', 'unknown-flake-id', `'${id}' is not in the global flake registry: the Pod's nix stops with "cannot find flake 'flake:${id}' in the flake registries"`, hint)];
}

/** A reference to nixpkgs itself (by registry id or on GitHub): a flake with no inputs and no default package. */
const NIXPKGS = /^(?:flake:)?nixpkgs(?:\/|$)|^github:nixos\/nixpkgs(?:\/|$)/i;

/** `nixpkgs` alone means its default package, which nixpkgs does not have. */
function noAttr(w: Word, inst: Installable): Finding[] {
  if (!NIXPKGS.test(inst.ref)) return [];
  return [finding(w, 'error', 'flake-attr', `'${w.value}' names no package: nix looks for nixpkgs' default package, and there is none`, `name the package: ${inst.ref}#PACKAGE`)];
}

function attrFindings(w: Word, path: string, shown: string): Finding[] {
  const bad = badAttrComponent(path);
  if (bad === undefined) return [];
  const what = bad === '' ? 'an empty attribute name' : `'${bad}', which is not a Nix identifier`;
  return [finding(w, 'error', 'flake-attr', `'${shown}': the attribute path has ${what}, so no package can be found by it`, 'attribute names are letters, digits, _, - and \', starting with a letter or _ (nixpkgs writes 1password as _1password)')];
}

/** `--inputs-from` and `--override-input` name flakes too: local ones cannot reach the Pod. */
function checkFlakeInputs(f: FlakeArgs): Finding[] {
  const out: Finding[] = [];
  for (const w of [...f.inputsFrom, ...f.overrideRefs]) {
    const inst = classifyInstallable(w.value);
    if (inst.kind === 'local') out.push(finding(w, 'error', 'local-flake', `'${w.value}' refers to a flake on this machine (${inst.ref === '' ? "the script's folder" : inst.ref}), which the Pod does not have`, LOCAL_HINT));
    else if (inst.kind === 'invalid') out.push(finding(w, 'error', 'flake-ref', `'${w.value}' is not a flake reference: ${inst.problem ?? ''}`, 'write a flake reference, e.g. github:NixOS/nixpkgs/<commit>'));
  }
  return out;
}

/**
 * `--expr` evaluates in pure mode unless `--impure`: `<nixpkgs>` and
 * `builtins.currentSystem` are refused there. With `--impure`, `<nixpkgs>`
 * is the image's bundled nixpkgs unless the nixpkgs setting pins it.
 */
function checkExpr(f: FlakeArgs): Finding[] {
  if (!f.expr) return [];
  if (f.expr.value.startsWith('-')) {
    return [finding(f.expr, 'error', 'flag-as-value', `--expr takes the next word as its expression, here '${f.expr.value}', which is not one`, 'write the expression right after --expr, quoted in double backticks: --expr ``(import <nixpkgs> {}).hello``')];
  }
  const problem = analyzeNixWord(f.expr.value).problem;
  if (problem && problem.rule !== 'invalid-attr-path') return [finding(f.expr, 'error', problem.rule, `--expr: ${problem.message}`, problem.hint ?? 'fix the expression')];
  const tokens = lexNix(f.expr.value).tokens;
  const lookup = tokens.find((t) => t.kind === 'spath');
  const from = f.inputsFrom[0];
  if (lookup && from && f.impureAtInputsFrom !== true) {
    // Verified with Nix 2.26: --inputs-from makes the evaluator, pure unless --impure came first; then even an -I entry or NIX_PATH no longer answers <…> lookups.
    return [finding(f.expr, 'error', 'inputs-from-search-path', `--expr looks up ${lookup.text}, which nix does not find once --inputs-from ${from.value} is given ("file '${lookup.text.slice(1, -1)}' was not found in the Nix search path")`, `${f.impure ? 'put --impure before --inputs-from (nix makes its evaluator at --inputs-from, pure unless --impure came first), ' : ''}remove --inputs-from, or use builtins.getFlake "github:NixOS/nixpkgs/<commit>" in the expression`)];
  }
  if (f.impure) {
    if (lookup?.text !== '<nixpkgs>') return [];
    return [finding(f.expr, 'warning', 'unpinned-nixpkgs', '--expr uses <nixpkgs>: the Pod uses whatever nixpkgs its image bundles, which changes with the image', 'set nixpkgs in nixpod.yaml, or use a pinned flake: (builtins.getFlake "github:NixOS/nixpkgs/<commit>")')];
  }
  const impure = lookup ?? tokens.find((t, i) => t.text === 'currentSystem' && tokens[i - 1]?.text === '.');
  if (!impure) return [];
  const what = impure.kind === 'spath' ? `looks up ${impure.text}` : 'reads builtins.currentSystem';
  return [finding(f.expr, 'error', 'pure-eval', `--expr ${what}, which pure evaluation refuses`, 'add --impure to the #! nix line')];
}

/** Flakes take no auto-arguments: nix refuses `--arg`/`--argstr` with flake installables. */
function checkAutoArgs(f: FlakeArgs): Finding[] {
  if (f.expr || f.file || f.args.size === 0) return [];
  const first = [...f.args.values()][0];
  if (!first) return [];
  return [finding(first.at, 'error', 'args-with-flakes', `'${first.at.value}' with flake installables: nix stops with "'--arg' and '--argstr' are incompatible with flakes"`, 'remove it, or use --file/--expr installables, which take arguments')];
}

/** `--keep-env-var` only means something once `--ignore-env` cleared the environment, `--unset-env-var` only before: nix refuses either otherwise. */
function checkEnvFlags(f: FlakeArgs): Finding[] {
  const at = f.commandWord ?? { line: 1, col: 1 };
  if (f.keep.length > 0 && !f.ignoreEnv) {
    return [finding(at, 'error', 'keep-without-ignore-env', `--keep-env-var ${f.keep[0] ?? ''}: nix stops with "--keep-env-var does not make sense without --ignore-env"`, 'add --ignore-env (-i), or remove --keep-env-var')];
  }
  const twice = f.setEnv.find((w, i) => f.setEnv.findIndex((x) => x.value === w.value) < i);
  if (twice) return [finding(twice, 'error', 'duplicate-set-env-var', `--set-env-var ${twice.value} is given twice: nix stops ("Duplicate definition of environment variable '${twice.value}' with '--set-env-var' is ambiguous")`, 'keep one --set-env-var per variable')];
  if (f.unset.length > 0 && f.ignoreEnv) {
    return [finding(f.ignoreEnv, 'error', 'unset-with-ignore-env', `--unset-env-var ${f.unset[0] ?? ''}: nix stops with "--unset-env-var does not make sense with --ignore-env"`, 'remove --unset-env-var: --ignore-env already clears everything')];
  }
  return [];
}
