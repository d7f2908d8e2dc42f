import { checkScript, type CheckedScript } from '../../core/check/script.js';
import { createChecker } from '../../core/check/memo.js';
import { compareDiagnostics, type Diagnostic } from '../../core/diagnostic.js';
import { checkNameCollisions, checkNameRules } from '../../core/render/plan.js';
import { configLayers, matchingRules } from '../../core/settings/script-settings.js';
import type { Runtime } from '../../core/settings/types.js';
import { join } from 'node:path';
import { resolveRefs } from '../../io/bundle.js';
import { CONFIG_NAME, ConfigFinder, pathFromConfig, type LoadedConfig } from '../../io/config.js';
import { collectScripts, RelativePaths, type ScannedScript, type SkipCounts } from '../../io/scan.js';

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
  const usage = new Map<LoadedConfig, { matched: Set<number>; walked: boolean }>();
  // A settings file found in a folder is not a script, nor a file left out.
  const inputs = scan.scripts.filter((s) => s.explicit || (s.path !== CONFIG_NAME && !s.path.endsWith(`/${CONFIG_NAME}`)));
  await configs.ready(inputs.map((s) => s.dir));
  const rel = new RelativePaths();
  // Written out, not spread: one object shape for thousands of scripts.
  const withSettings = inputs.map((input) => ({ path: input.path, bytes: input.bytes, explicit: input.explicit, dir: input.dir, root: input.root, source: input.source, settingsLayers: settingsFor(input, configs, usage, rel), nixVersion: opts.nixVersion, image: opts.image, runtime: opts.runtime }));
  // Scripts that name local files are checked again once those are found (a fifth of real scripts).
  const check = createChecker();
  const checked = withSettings.map((named) => {
    const input = opts.skipNonScripts ? { ...named, explicit: false } : named;
    const c = check(input);
    if (c.skipped || c.localRefs.length === 0) return c;
    return checkScript({ ...input, resolved: resolveRefs(join(input.dir, c.fileName), c.localRefs, input.root) });
  });
  const scripts = checked.filter((s) => !s.skipped);
  const noShebang = checked.length - scripts.length;
  const skips: SkipCounts = { ...(noShebang > 0 ? { 'no-shebang': noShebang } : {}), ...scan.skips };
  const skipped = Object.values(skips).reduce((n, k) => n + k, 0);
  const fromConfigs = configs.loaded().flatMap((c) => [...c.config.diagnostics, ...unmatchedRules(c, usage.get(c))]);
  const all = [...scripts.flatMap((s) => s.diagnostics), ...fromConfigs, ...checkNameCollisions(scripts), ...checkNameRules(scripts)];
  return { scripts, skipped, skips, diagnostics: dedupe(all).sort(compareDiagnostics) };
}

function settingsFor(input: ScannedScript, configs: ConfigFinder, usage: Map<LoadedConfig, { matched: Set<number>; walked: boolean }>, rel: RelativePaths) {
  const c = configs.forDir(input.dir);
  if (!c) return [];
  const matched = matchingRules(c.config, pathFromConfig(c, join(input.dir, input.path.slice(input.path.lastIndexOf('/') + 1)), rel));
  const u = usage.get(c) ?? { matched: new Set<number>(), walked: false };
  usage.set(c, u);
  for (const i of matched) u.matched.add(i);
  if (!input.explicit) u.walked = true;
  return configLayers(c.config, matched);
}

/**
 * A `match:` that matches none of the scripts found is most likely a typo. Only
 * said when nixpod walked a folder: named files alone are not all the scripts.
 */
function unmatchedRules(c: LoadedConfig, u: { matched: Set<number>; walked: boolean } | undefined): Diagnostic[] {
  if (!u?.walked) return [];
  return c.config.rules.flatMap((r, i) =>
    u.matched.has(i) ? [] : [{ path: c.config.path, line: r.at.line, col: r.at.col, severity: 'warning' as const, rule: 'glob-matches-nothing', message: `match '${r.match}' matches none of the scripts checked here (paths are relative to the folder of ${c.config.path})`, hint: "check the glob: * stays within a folder, **/ spans folders (e.g. '**/*.sh')" }],
  );
}

/** A setting from nixpod.yaml shared by many scripts gives the same finding once per script: keep one. */
function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.path}:${d.line}:${d.col}:${d.rule}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
