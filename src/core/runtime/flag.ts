import type { Runtime } from '../settings/types.js';
import { imageRepository, nixeryHost } from './reference.js';

export interface RuntimeFlag {
  runtime: Runtime;
  nixery?: string;
  registry?: string;
}

/**
 * `--runtime nix-shell | nixery[=HOST] | image[=REPO]`: the runtime, with the
 * Nixery host or the image repository when given (else the settings' nixery
 * or registry). A reason string when the value is not one of those.
 */
export function parseRuntimeFlag(v: string): RuntimeFlag | string {
  const eq = v.indexOf('=');
  const name = eq < 0 ? v : v.slice(0, eq);
  const value = eq < 0 ? undefined : v.slice(eq + 1);
  if (name === 'nix-shell') return value === undefined ? { runtime: 'nix-shell' } : 'nix-shell takes no value';
  if (name === 'nixery') {
    if (value === undefined) return { runtime: 'nixery' };
    const why = nixeryHost(value);
    return why ? `the Nixery host '${value}' ${why}` : { runtime: 'nixery', nixery: value };
  }
  if (name === 'image') {
    if (value === undefined) return { runtime: 'image' };
    const why = imageRepository(value);
    return why ? `the repository '${value}' ${why}` : { runtime: 'image', registry: value };
  }
  return `'${v}' is not nix-shell, nixery[=HOST] or image[=REPO]`;
}
