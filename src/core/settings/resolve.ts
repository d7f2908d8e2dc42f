import type { Layer } from './layer.js';
import { DEFAULT_SETTINGS, type EnvVar, type Origin, type ResolvedSettings, type Settings } from './types.js';

/** Merged by key: a later layer adds keys and replaces the values of the same keys. */
const MAPS = new Set<keyof Settings>(['labels', 'annotations', 'nodeSelector', 'nixConfig']);

/** Resolved settings, and where each env var was last set (for the checks that name one). */
export interface Resolution {
  resolved: ResolvedSettings;
  envAt: Record<string, Origin>;
}

/**
 * Merge layers, lowest first (config defaults, matching rules in file order,
 * the script's `#! nixpod` lines) over nixpod's built-in defaults. Scalars and
 * lists replace; maps (labels, annotations, nodeSelector, nixConfig) merge by
 * key; resources merge by resource name within requests and limits; env merges
 * by variable name (a later layer replaces a variable in place, adds new ones
 * at the end). Structured values (affinity, tolerations, securityContext) replace.
 */
export function resolveSettings(layers: readonly Layer[]): Resolution {
  const s: Settings = structuredClone(DEFAULT_SETTINGS);
  const origins: ResolvedSettings['origins'] = {};
  const envAt: Record<string, Origin> = {};
  const out = s as unknown as Record<string, unknown>;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer.values) as [keyof Settings, unknown][]) {
      if (v === undefined) continue;
      if (MAPS.has(k)) out[k] = { ...(out[k] as object | undefined), ...(v as object) };
      else if (k === 'env') s.env = mergeEnv(s.env, v as EnvVar[]);
      else if (k === 'resources') s.resources = mergeResources(s.resources, v as NonNullable<Settings['resources']>);
      else out[k] = v;
      const at = layer.at[k];
      if (at) origins[k] = at;
    }
    Object.assign(envAt, layer.envAt);
  }
  return { resolved: { settings: s, origins }, envAt };
}

function mergeEnv(base: EnvVar[], over: EnvVar[]): EnvVar[] {
  const out = [...base];
  for (const e of over) {
    const i = out.findIndex((x) => x.name === e.name);
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

function mergeResources(base: Settings['resources'], over: NonNullable<Settings['resources']>): NonNullable<Settings['resources']> {
  const out = { ...base };
  for (const p of ['requests', 'limits'] as const) if (over[p]) out[p] = { ...base?.[p], ...over[p] };
  return out;
}
