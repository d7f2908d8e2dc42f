import { withPath, type Diagnostic } from '../diagnostic.js';
import type { ShebangModel } from '../shebang/parse.js';
import { checkSettings } from './checks.js';
import type { SettingsConfig } from './config-file.js';
import type { Layer } from './layer.js';
import { lineSettings } from './line-settings.js';
import { resolveSettings } from './resolve.js';
import { nixpodWords } from './script-lines.js';
import type { ResolvedSettings } from './types.js';

/** The `scripts:` rules whose glob matches `relPath` (the script's path from the config's folder), in file order. */
export function matchingRules(config: SettingsConfig, relPath: string): number[] {
  const out: number[] = [];
  config.rules.forEach((r, i) => {
    if (r.regex.test(relPath)) out.push(i);
  });
  return out;
}

/** The config's layers for one script: its defaults, then each matching rule's. */
export function configLayers(config: SettingsConfig, matched: readonly number[]): Layer[] {
  return [config.defaults, ...matched.map((i) => (config.rules[i] as SettingsConfig['rules'][number]).layer)];
}

/**
 * A script's settings: the config's layers, then its own `#! nixpod` lines;
 * and the problems of those lines and of the checks only nixpod can make.
 * `text` is the script as parsed (without a BOM); the checks are skipped when
 * nix-shell itself would stop (the model is then partial).
 */
export function scriptSettings(path: string, text: string, model: ShebangModel, configLayers: readonly Layer[]): { settings: ResolvedSettings; diagnostics: Diagnostic[] } {
  const own = nixpodWords(text);
  const line = lineSettings(own.words, path);
  const r = resolveSettings([...configLayers, line.layer]);
  const diagnostics = withPath(path, [...own.findings, ...line.findings]);
  // A schedule written on the script's line but invalid is its bad-cron finding, not also a missing one.
  const badCron = line.findings.some((f) => f.rule === 'bad-cron');
  if (!model.error) diagnostics.push(...checkSettings(path, model, r).filter((d) => !(badCron && d.rule === 'missing-schedule')));
  return { settings: r.resolved, diagnostics };
}
