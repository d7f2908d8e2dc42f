import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CheckedScript } from '../../core/check/script.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { IoError } from '../../core/errors.js';
import { parsePackageIndex } from '../../core/packages/index-file.js';
import { lookupPlan, PackageIndex, packageFindings, pathKey, type Lookup, type SourceAnswer } from '../../core/packages/lookup.js';
import { packageRefs, sourceKey, type NixpkgsSource } from '../../core/packages/refs.js';
import { lookupPaths, parseExpressions, requireNixInstantiate } from '../../nix/instantiate.js';
import type { CliIo } from '../io.js';

export interface PackageCheckOptions {
  /** Check with a local Nix. */
  nix: boolean;
  /** nixpkgs for scripts without a pin, when NIX_PATH has none. */
  nixpkgs: string | undefined;
  /** Check against this list of attribute paths instead of Nix. */
  packageIndex: string | undefined;
}

/**
 * `check --nix` / `--package-index`: do the -p packages exist in the nixpkgs each Pod would use?
 * That nixpkgs is, first to last: the script's `-I nixpkgs=` pin; the `nixpkgs` setting (what the
 * Pod's NIX_PATH names); `nixpkgs=` in the local NIX_PATH; `--nixpkgs`.
 */
export async function checkPackagesExist(scripts: readonly CheckedScript[], opts: PackageCheckOptions, io: CliIo): Promise<Diagnostic[]> {
  const refs = scripts.flatMap(packageRefs);
  const plan = lookupPlan(refs);
  const answers = new Map<string, SourceAnswer>();
  if (opts.packageIndex !== undefined) {
    const index = loadIndex(opts.packageIndex, io.cwd);
    for (const g of plan) answers.set(sourceKey(g.source), { lookups: new Map(g.paths.map((p) => [pathKey(p), index.lookup(p)])), syntax: new Map() });
    return packageFindings(refs, answers, () => `the package index ${opts.packageIndex}`);
  }
  const nix = requireNixInstantiate(io.env, io.cwd);
  const nixPathHasNixpkgs = /(^|:)nixpkgs=/.test(io.env.NIX_PATH ?? '');
  const includeFor = (s: NixpkgsSource): string[] => {
    if (s.kind !== 'default') return ['-I', `nixpkgs=${s.value}`];
    return !nixPathHasNixpkgs && opts.nixpkgs !== undefined ? ['-I', `nixpkgs=${resolve(io.cwd, opts.nixpkgs)}`] : [];
  };
  // One nix-instantiate per distinct nixpkgs (all at once), plus one --parse for every expression word.
  const allExpressions = [...new Set(plan.flatMap((g) => g.expressions))];
  const [syntax, ...lookups] = await Promise.all([parseExpressions(nix, allExpressions), ...plan.map((g) => lookupPaths(nix, includeFor(g.source), g.paths))]);
  plan.forEach((g, i) => {
    const r = lookups[i] as Lookup[] | { unavailable: string };
    if ('unavailable' in r) answers.set(sourceKey(g.source), { lookups: new Map(), syntax, unavailable: r.unavailable });
    else answers.set(sourceKey(g.source), { lookups: new Map(g.paths.map((p, k) => [pathKey(p), r[k] as Lookup])), syntax });
  });
  const describe = (s: NixpkgsSource): string =>
    s.kind === 'pin' ? `nixpkgs ${s.value} (the script's -I pin)` : s.kind === 'setting' ? `nixpkgs ${s.value} (the nixpkgs setting, ${s.at.path}:${s.at.line}:${s.at.col})` : !nixPathHasNixpkgs && opts.nixpkgs !== undefined ? `nixpkgs ${opts.nixpkgs} (--nixpkgs)` : '<nixpkgs> from NIX_PATH';
  return packageFindings(refs, answers, describe);
}

function loadIndex(file: string, cwd: string): PackageIndex {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new IoError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 'write one with: nixpod index -o FILE (or nix-env -qaP --json > FILE)');
  }
  const paths = parsePackageIndex(text);
  if (!paths) throw new IoError(`${file}: not a package index`, 'give one attribute path per line, or the JSON of nix-env -qaP --json');
  return new PackageIndex(paths);
}
