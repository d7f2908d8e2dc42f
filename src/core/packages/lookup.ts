import { finding, withPath, type Diagnostic } from '../diagnostic.js';
import { closestMatch } from '../suggest.js';
import { sourceKey, type NixpkgsSource, type PackageRef } from './refs.js';

/**
 * What a package set says of one attribute path: found; missing at `depth`
 * (the names there, for a suggestion); or evaluating the way there throws.
 * The same shape comes from real Nix (`nix-instantiate`) and from an index file.
 */
export type Lookup = { found: true } | { found: false; depth: number; names: string[] } | { throws: true };

/** What the Nix side answered for one nixpkgs: lookups by joined path, syntax errors by word, or why it could not run. */
export interface SourceAnswer {
  lookups: Map<string, Lookup>;
  syntax: Map<string, string>;
  unavailable?: string;
}

export const pathKey = (p: readonly string[]): string => JSON.stringify(p);

/** Group the refs by nixpkgs, with the distinct attribute paths and expression words to ask about. */
export function lookupPlan(refs: readonly PackageRef[]): { source: NixpkgsSource; paths: string[][]; expressions: string[] }[] {
  const groups = new Map<string, { source: NixpkgsSource; paths: Map<string, string[]>; expressions: Set<string> }>();
  for (const r of refs) {
    const k = sourceKey(r.source);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { source: r.source, paths: new Map(), expressions: new Set() }));
    if (r.attrPath.length > 0) g.paths.set(pathKey(r.attrPath), r.attrPath);
    if (r.expression) g.expressions.add(r.word.value);
  }
  return [...groups.values()].map((g) => ({ source: g.source, paths: [...g.paths.values()], expressions: [...g.expressions] }));
}

/** Findings for every ref, given the answers per source key. */
export function packageFindings(refs: readonly PackageRef[], answers: ReadonlyMap<string, SourceAnswer>, describe: (s: NixpkgsSource) => string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reportedUnavailable = new Set<string>();
  for (const r of refs) {
    const a = answers.get(sourceKey(r.source));
    if (!a) continue;
    const where = describe(r.source);
    if (a.unavailable !== undefined) {
      const once = `${r.path}\0${sourceKey(r.source)}`;
      if (reportedUnavailable.has(once)) continue;
      reportedUnavailable.add(once);
      const at = r.source.kind === 'pin' ? r.source.word : { line: 1, col: 1 };
      const hint = r.source.kind === 'pin' ? 'check the -I nixpkgs=… value, or run where it can be fetched' : r.source.kind === 'setting' ? `check the nixpkgs setting (${r.source.at.path}:${r.source.at.line}:${r.source.at.col}), or run where it can be fetched` : 'pin nixpkgs with -I nixpkgs=…, set NIX_PATH, or pass --nixpkgs PATH';
      out.push(...withPath(r.path, [finding(at, 'error', 'nixpkgs-unavailable', `cannot check packages against ${where}: ${a.unavailable}`, hint)]));
      continue;
    }
    const syntax = r.expression ? a.syntax.get(r.word.value) : undefined;
    if (syntax !== undefined) {
      out.push(...withPath(r.path, [finding(r.word, 'error', 'nix-syntax', `package '${r.word.value}' is not valid Nix: ${syntax}`, 'fix the expression; nix-shell puts each -p word inside ( … )')]));
      continue;
    }
    if (r.attrPath.length === 0) continue;
    const l = a.lookups.get(pathKey(r.attrPath));
    if (!l || ('found' in l && l.found)) continue;
    const name = r.attrPath.join('.');
    if ('throws' in l) {
      out.push(...withPath(r.path, [finding(r.word, 'error', 'package-throws', `package '${name}' is in ${where}, but evaluating it throws (removed, renamed or marked broken)`, `see why with: nix-instantiate --eval -E '(import <nixpkgs> {}).${name}'`)]));
      continue;
    }
    const missing = r.attrPath[l.depth] ?? '';
    const close = closestMatch(missing, l.names);
    const suggestion = close !== undefined ? [...r.attrPath.slice(0, l.depth), close, ...r.attrPath.slice(l.depth + 1)].join('.') : undefined;
    const what = r.expression ? `'${name}' (in package '${r.word.value}')` : `package '${name}'`;
    const inSet = l.depth === 0 ? '' : ` ('${r.attrPath.slice(0, l.depth).join('.')}' has no '${missing}')`;
    out.push(...withPath(r.path, [finding(r.word, 'error', 'unknown-package', `${what} does not exist in ${where}${inSet}`, suggestion !== undefined ? `did you mean '${suggestion}'?` : 'search for the attribute name at https://search.nixos.org/packages')]));
  }
  return out;
}

/**
 * A list of attribute paths (an index file) answering like Nix would: a path
 * below a listed package (`python3.withPackages`) cannot be told apart from a
 * missing one by a list of packages, so it counts as found.
 */
export class PackageIndex {
  private readonly root: IndexNode = { children: new Map(), leaf: false };

  constructor(paths: Iterable<readonly string[]>) {
    for (const p of paths) {
      let node = this.root;
      for (const name of p) {
        let next = node.children.get(name);
        if (!next) node.children.set(name, (next = { children: new Map(), leaf: false }));
        node = next;
      }
      node.leaf = true;
    }
  }

  lookup(path: readonly string[]): Lookup {
    let node = this.root;
    for (let i = 0; i < path.length; i++) {
      if (node.leaf && node !== this.root) return { found: true };
      const next = node.children.get(path[i] as string);
      if (!next) return { found: false, depth: i, names: [...node.children.keys()] };
      node = next;
    }
    return { found: true };
  }
}

interface IndexNode {
  children: Map<string, IndexNode>;
  leaf: boolean;
}
