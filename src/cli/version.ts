import { createRequire } from 'node:module';

/** nixpod's version, from its package.json: dist/src/cli/ and the bundle's dist/pkg/cli/ are both three levels below the package root. */
export function version(): string {
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}
