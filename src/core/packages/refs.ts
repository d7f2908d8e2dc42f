import type { CheckedScript } from '../check/script.js';
import { lexNix } from '../nix/lexer.js';
import { analyzeNixWord } from '../nix/word.js';
import type { Word } from '../shebang/shellwords.js';
import type { Origin } from '../settings/types.js';

/**
 * Where the Pod's nixpkgs comes from: the script's `-I nixpkgs=…` pin, else
 * the `nixpkgs` setting (nixpod.yaml or `#! nixpod nixpkgs=…`, which the Pod
 * gets as NIX_PATH), else whatever the checker is told to use.
 */
export type NixpkgsSource = { kind: 'pin'; value: string; word: Word } | { kind: 'setting'; value: string; at: Origin } | { kind: 'default' };

/** One `-p` word to look up: a plain attribute path, or the path an expression starts from. */
export interface PackageRef {
  path: string;
  word: Word;
  attrPath: string[];
  /** The word is an expression (its syntax is checked by Nix too); `attrPath` is where it starts, if anywhere. */
  expression: boolean;
  source: NixpkgsSource;
}

// Names bound outside `with import <nixpkgs> args;` in nix-shell's expression: they shadow package names.
const LEXICAL = new Set(['args', 'builtins', 'import', 'true', 'false', 'null', 'map', 'toString', 'derivation', 'abort', 'throw', 'baseNameOf', 'dirOf', 'isNull', 'removeAttrs', 'fetchTarball', 'fetchGit', 'fetchMercurial', 'fetchTree', 'placeholder', 'scopedImport']);
const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

export function sourceKey(s: NixpkgsSource): string {
  return s.kind === 'default' ? 'default' : `pin:${s.value}`;
}

/** nix-shell puts `-I` entries before NIX_PATH in order, and `<nixpkgs>` takes the first `nixpkgs=` one. */
export function nixpkgsSource(script: CheckedScript): NixpkgsSource {
  const pin = script.model.args.nixPath.find((w) => w.value.startsWith('nixpkgs='));
  if (pin) return { kind: 'pin', value: pin.value.slice('nixpkgs='.length), word: pin };
  const setting = script.settings?.settings.nixpkgs;
  const at = script.settings?.origins.nixpkgs;
  return setting !== undefined && at ? { kind: 'setting', value: setting, at } : { kind: 'default' };
}

/** The `-p` words of a script that parsed, with what to look up for each; words with syntax problems are left to the checks that found them. */
export function packageRefs(script: CheckedScript): PackageRef[] {
  const a = script.model.args;
  if (script.model.error || !a.packagesFlag) return [];
  const source = nixpkgsSource(script);
  const out: PackageRef[] = [];
  for (const word of a.positional) {
    const analysis = analyzeNixWord(word.value);
    if (analysis.problem) continue;
    const attrPath = analysis.attrPath ? splitAttrPath(word.value) : headAttrPath(word.value);
    out.push({ path: script.path, word, attrPath, expression: !analysis.attrPath, source });
  }
  return out;
}

/** `a.b."c d"` -> ['a', 'b', 'c d'] (the word is known to be a plain attribute path). */
export function splitAttrPath(s: string): string[] {
  return (s.match(/"[^"]*"|[^.]+/g) ?? []).map((p) => (p.startsWith('"') ? p.slice(1, -1) : p));
}

/** `python3.withPackages (ps: …)` -> ['python3', 'withPackages']: the select chain the expression starts with, if it is a package name. */
function headAttrPath(expr: string): string[] {
  const toks = lexNix(expr).tokens;
  const first = toks[0];
  if (!first || first.kind !== 'id' || LEXICAL.has(first.text) || KEYWORDS.has(first.text) || first.text.startsWith('__')) return [];
  const path = [first.text];
  for (let i = 1; i + 1 < toks.length; i += 2) {
    const dot = toks[i];
    const next = toks[i + 1];
    if (dot?.text !== '.' || next?.kind !== 'id' || next.start !== dot.start + 1 || dot.start !== (toks[i - 1] as { start: number; text: string }).start + (toks[i - 1] as { text: string }).text.length) break;
    path.push(next.text);
  }
  return path;
}
