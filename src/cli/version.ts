import { createRequire } from 'node:module';

/** The version the bundle was built with (src/build/bundle.mjs defines it): a run then reads no package.json. */
declare const NIXPOD_VERSION: string | undefined;

/** nixpod's version, from its package.json: dist/src/cli/ and the bundle's dist/pkg/cli/ are both three levels below the package root. */
export function version(): string {
  if (typeof NIXPOD_VERSION === 'string') return NIXPOD_VERSION;
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}
