import type * as BufferModule from 'node:buffer';
import type * as Fs from 'node:fs';
import type * as ModuleModule from 'node:module';
import type * as Path from 'node:path';
import type * as Vm from 'node:vm';
import type * as Zlib from 'node:zlib';
import { requireBuiltin } from './builtins.js';

const { isAscii } = requireBuiltin('node:buffer') as typeof BufferModule;
const { readFileSync, statSync } = requireBuiltin('node:fs') as typeof Fs;
const { createRequire } = requireBuiltin('node:module') as typeof ModuleModule;
const { basename, dirname } = requireBuiltin('node:path') as typeof Path;
const { Script } = requireBuiltin('node:vm') as typeof Vm;
// zlib.crc32 is Node 20.15 and later: before, no cache is used (the program is compiled as usual).
const { crc32 } = requireBuiltin('node:zlib') as Partial<Pick<typeof Zlib, 'crc32'>>;

/**
 * A CommonJS program compiled with its V8 code cache, `<file>.cache`, when
 * there is one that fits. The cache is made at build time (src/build/code-cache.mjs)
 * by the same compile, and written with `sealCache`: the lengths and CRC-32s
 * of the program it was made from and of its own data come first. V8 itself
 * checks only its version, its flags and the program's length, and a release
 * build trusts the data (a flipped bit can crash the process): so a cache is
 * given to V8 only when both match. One that does not (another build of the
 * program, a spoiled file) is ignored and the program compiled as usual:
 * slower, never different. A CRC guards against accidents, not an attacker
 * (one who can write the cache can write the program beside it), and unlike
 * SHA-256 it needs no node:crypto, which a `check` never loads otherwise.
 */
export function compileProgram(file: string): { script: Vm.Script; run: () => unknown; source: Buffer } {
  // Not a FIFO (reading it would wait for ever), nor a folder or a device.
  if (!statSync(file).isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: NOT_A_FILE });
  const bytes = readFileSync(file);
  const cachedData = fittingCache(`${file}.cache`, bytes);
  // The module wrapper Node itself uses, strict as the ES modules it was built from; and, for the
  // program's one dynamic import (the Kubernetes client, see src/build/bundle.mjs), an import of ours:
  // Node 20 loses a script's own import() callback when the script comes from a code cache.
  // Named by its file name alone: the cache keeps the name it was made with, and stack traces should
  // not show the build machine's folders.
  // An ASCII program (the build makes it one) decodes as latin1, faster than as UTF-8, to the same string.
  const text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __nixpodImport) {"use strict";${text}\n})`, {
    filename: basename(file),
    ...(cachedData ? { cachedData } : {}),
  });
  const run = (): unknown => {
    const module = { exports: {} as unknown };
    (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), importPackage);
    return module.exports;
  };
  return { script, run, source: bytes };
}

/** The code of the error for a program that is not a regular file. */
export const NOT_A_FILE = 'ENOTREG';

/** The seal: the program's length and CRC-32, then the data's, each a 32-bit little-endian number. */
const SEAL = 16;

function sealOf(source: Uint8Array, data: Uint8Array, crc: (b: Uint8Array) => number): Buffer {
  const seal = Buffer.alloc(SEAL);
  [source.length, crc(source), data.length, crc(data)].forEach((n, i) => seal.writeUInt32LE(n >>> 0, 4 * i));
  return seal;
}

/** The cache file's bytes for V8's `data`, made from the program `source`. */
export function sealCache(source: Uint8Array, data: Uint8Array): Buffer {
  if (!crc32) throw new Error('sealing a code cache takes zlib.crc32 (Node 20.15 or later)');
  return Buffer.concat([sealOf(source, data, crc32), data]);
}

/** V8's data from a sealed cache file, or undefined when there is none or it is not for these bytes, whole. */
function fittingCache(path: string, source: Uint8Array): Buffer | undefined {
  if (!crc32) return undefined;
  let sealed: Buffer;
  try {
    // Only a regular file: reading a FIFO would wait for a writer for ever.
    if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true) return undefined;
    sealed = readFileSync(path);
  } catch {
    return undefined;
  }
  if (sealed.length <= SEAL) return undefined;
  const data = sealed.subarray(SEAL);
  return sealed.subarray(0, SEAL).equals(sealOf(source, data, crc32)) ? data : undefined;
}

/** The program's import(): a package name resolves from here up, and the program sits beside this code in the package. */
const importPackage = (specifier: string): Promise<unknown> => import(specifier);

/** The program's exports. */
export function loadProgram(file: string): unknown {
  return compileProgram(file).run();
}
