import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

/**
 * The YAML library is some 260 KB of code, and most runs never read YAML (a
 * render with the built-in templates emits it and parses its own simple
 * output). The edges that know they will read some load it first, from the
 * bundle; anything else that needs it gets it on first use.
 */
export async function preloadYaml(): Promise<void> {
  const m = await import('yaml');
  // The package is CommonJS: its exports are the default export in the bundle, and named ones too under Node.
  lib ??= (m as unknown as { default?: typeof Yaml }).default ?? m;
}

/** The YAML library, loaded now if no edge did (from node_modules: slower, but never wrong). */
export function yamlLib(): typeof Yaml {
  return (lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
