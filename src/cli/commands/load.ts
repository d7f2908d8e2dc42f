import { baseName, checkScript, type CheckedScript } from '../../core/check/script.js';
import { createChecker } from '../../core/check/memo.js';
import { compareDiagnostics, type Diagnostic } from '../../core/diagnostic.js';
import { checkNames } from '../../core/render/plan.js';
import type { Runtime } from '../../core/settings/types.js';
import { join } from 'node:path';
import { resolveRefs } from '../../io/bundle.js';
import { CONFIG_NAME, ConfigFinder } from '../../io/config.js';
import { ScriptLayers } from '../../io/script-layers.js';
import { collectScripts, type SkipCounts } from '../../io/scan.js';

export interface CheckRun {
  scripts: CheckedScript[];
  /** How many files were left out, all kinds together. */
  skipped: number;
  /** The same, by kind (see io/scan.ts): what the summary line lists. */
  skips: SkipCounts;
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** `--config FILE`: one nixpod.yaml for every script, instead of the nearest one of each. */
  config?: string | undefined;
  /** Named files that are not nix-shell scripts are left out as in a folder (pre-commit passes every changed file). */
  skipNonScripts?: boolean | undefined;
  /** `--nix-version` and `--image`: which Nix the Pod runs decides how scripts are read. */
  nixVersion?: string | undefined;
  image?: string | undefined;
  /** `--runtime`, or `image` for nixpod image: on nixery or image no Nix reads the scripts in the Pod. */
  runtime?: Runtime | undefined;
}

/** Read and check every script under `paths`: the shared first step of check and render. */
export async function loadAndCheck(paths: readonly string[], cwd: string, opts: LoadOptions = {}): Promise<CheckRun> {
  const configs = new ConfigFinder(cwd, opts.config);
  // --config FILE is read before the scan, so that its errors come first.
  await configs.ready();
  const scan = await collectScripts(paths, cwd);
  // A settings file found in a folder is not a script, nor a file left out.
  const inputs = scan.scripts.filter((s) => s.explicit || (s.path !== CONFIG_NAME && !s.path.endsWith(`/${CONFIG_NAME}`)));
  await configs.ready(inputs.map((s) => s.dir));
  const layers = new ScriptLayers(configs);
  // Scripts that name local files are checked again once those are found (a fifth of real scripts).
  const check = createChecker();
  const scripts: CheckedScript[] = [];
  for (const s of inputs) {
    // Made and dropped per script (young garbage is cheap), written out for one object shape.
    const input = { path: s.path, bytes: s.bytes, explicit: opts.skipNonScripts ? false : s.explicit, dir: s.dir, root: s.root, source: s.source, settingsLayers: layers.of(s.dir, baseName(s.path), s.explicit), nixVersion: opts.nixVersion, image: opts.image, runtime: opts.runtime };
    const c = check(input);
    if (c.skipped) continue;
    scripts.push(c.localRefs.length === 0 ? c : checkScript({ ...input, resolved: resolveRefs(join(input.dir, c.fileName), c.localRefs, input.root) }));
  }
  const noShebang = inputs.length - scripts.length;
  const skips: SkipCounts = { ...(noShebang > 0 ? { 'no-shebang': noShebang } : {}), ...scan.skips };
  const skipped = Object.values(skips).reduce((n, k) => n + k, 0);
  const fromConfigs = configs.loaded().flatMap((c) => [...c.config.diagnostics, ...layers.unmatchedRules(c)]);
  const all = [...scripts.flatMap((s) => s.diagnostics), ...fromConfigs, ...checkNames(scripts)];
  return { scripts, skipped, skips, diagnostics: sortUnique(all) };
}

/**
 * Sorted (compareDiagnostics, stable), each finding once: a setting from
 * nixpod.yaml shared by many scripts gives the same finding once per script.
 * The first of equal findings (path, position, rule, message) is kept, as
 * a filter before the sort would: equal findings compare equal, so after a
 * stable sort they sit in one run of equal-comparing ones, in input order.
 */
export function sortUnique(ds: Diagnostic[]): Diagnostic[] {
  ds.sort(compareDiagnostics);
  const out: Diagnostic[] = [];
  // The messages of the current run, made only for a run of two or more (most runs are one finding).
  let messages: Set<string> | null = null;
  for (let i = 0; i < ds.length; i++) {
    const d = ds[i] as Diagnostic;
    const prev = ds[i - 1];
    if (prev === undefined || compareDiagnostics(prev, d) !== 0) {
      messages = null;
      out.push(d);
      continue;
    }
    messages ??= new Set([(out[out.length - 1] as Diagnostic).message]);
    if (messages.has(d.message)) continue;
    messages.add(d.message);
    out.push(d);
  }
  return out;
}
