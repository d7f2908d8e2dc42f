import type { Origin, Settings } from './types.js';

/** The settings one source gives (config defaults, one match rule, a script's lines), with where each was set. */
export interface Layer {
  values: Partial<Settings>;
  at: Partial<Record<keyof Settings, Origin>>;
  /** Where each env var was set, by name (for the checks that name one var). */
  envAt: Record<string, Origin>;
}

export function emptyLayer(): Layer {
  return { values: {}, at: {}, envAt: {} };
}
