import { createRequire } from 'node:module';

/**
 * Node's own modules by require rather than by import, for the package entry
 * and what it loads before the program (see cli/launch.ts). An ES import of a
 * builtin makes a facade that reads every export once, and reading node:fs's
 * lazy ReadStream loads the whole streams stack: ~2 ms of every start. In the
 * bundled program esbuild has made every import a require already.
 */
export const requireBuiltin = createRequire(import.meta.url);
