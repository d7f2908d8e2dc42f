import { withPath, type Diagnostic } from '../diagnostic.js';
import type { ShebangModel } from '../shebang/parse.js';
import { checkSettings } from './checks.js';
import type { SettingsConfig } from './config-file.js';
import type { Layer } from './layer.js';
import { lineSettings } from './line-settings.js';
import { resolveSettings, type Resolution } from './resolve.js';
import { nixpodWords } from './script-lines.js';
import type { ResolvedSettings } from './types.js';

/** The `scripts:` rules whose glob matches `relPath` (the script's path from the config's folder), in file order. */
export function matchingRules(config: SettingsConfig, relPath: string): number[] {
  const out: number[] = [];
  const rules = config.rules;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i] as SettingsConfig['rules'][number];
    // Asked for every script: most rules are told apart by their literal start, without the regex.
    if (relPath.startsWith(r.prefix) && r.regex.test(relPath)) out.push(i);
  }
  return out;
}

/** The config's layers for one script: its defaults, then each matching rule's. */
export function configLayers(config: SettingsConfig, matched: readonly number[]): Layer[] {
  return [config.defaults, ...matched.map((i) => (config.rules[i] as SettingsConfig['rules'][number]).layer)];
}

const layerIds = new WeakMap<Layer, number>();
let nextLayerId = 0;
const byLayers = new Map<string, Resolution>();

function layerId(l: Layer): number {
  let id = layerIds.get(l);
  if (id === undefined) layerIds.set(l, (id = ++nextLayerId));
  return id;
}

/** Lists are shared by every script that matches the same rules (see io/script-layers.ts): their key is made once per list. */
const keyOfList = new WeakMap<readonly Layer[], string>();

/** The identity of a list of layers, as a string: equal for the same layers in the same order. */
export function layersKey(layers: readonly Layer[]): string {
  if (layers.length === 0) return '';
  let key = keyOfList.get(layers);
  if (key === undefined) keyOfList.set(layers, (key = layers.map(layerId).join(',')));
  return key;
}

/** resolveSettings of config layers plus an empty line layer, once per distinct list of layers (the results are never changed). */
function resolveLayers(layers: readonly Layer[], empty: Layer): Resolution {
  const key = layersKey(layers);
  let r = byLayers.get(key);
  if (!r) byLayers.set(key, (r = resolveSettings([...layers, empty])));
  return r;
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
  // Most scripts have no #! nixpod lines: theirs is the resolution of the config layers alone,
  // shared by every script that matches the same rules (and, being one object, by render's caches).
  const r = own.words.length === 0 ? resolveLayers(configLayers, line.layer) : resolveSettings([...configLayers, line.layer]);
  const diagnostics = withPath(path, [...own.findings, ...line.findings]);
  // A schedule written on the script's line but invalid is its bad-cron finding, not also a missing one.
  const badCron = line.findings.some((f) => f.rule === 'bad-cron');
  if (!model.error) diagnostics.push(...checkSettings(path, model, r).filter((d) => !(badCron && d.rule === 'missing-schedule')));
  return { settings: r.resolved, diagnostics };
}
