import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * A CommonJS program compiled with its V8 code cache, `<file>.cache`, when
 * there is one. The cache is made at build time (src/build/code-cache.mjs)
 * by the same compile; V8 checks it against its version, its flags and the
 * source, and a cache that does not fit is ignored (the program is then
 * compiled as usual): a stale or missing cache costs time, never correctness.
 */
export function compileProgram(file: string): { script: Script; run: () => unknown } {
  const source = readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    // No cache: compiled from source.
  }
  // The module wrapper Node itself uses, strict as the ES modules it was built from; and, for the
  // program's one dynamic import (the Kubernetes client, see src/build/bundle.mjs), an import of ours:
  // Node 20 loses a script's own import() callback when the script comes from a code cache.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __nixpodImport) {"use strict";${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const run = (): unknown => {
    const module = { exports: {} as unknown };
    (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), importPackage);
    return module.exports;
  };
  return { script, run };
}

/** The program's import(): a package name resolves from here up, and the program sits beside this code in the package. */
const importPackage = (specifier: string): Promise<unknown> => import(specifier);

/** The program's exports. */
export function loadProgram(file: string): unknown {
  return compileProgram(file).run();
}
