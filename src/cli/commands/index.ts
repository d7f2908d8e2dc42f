import { resolve } from 'node:path';
import { formatPackageIndex } from '../../core/packages/index-file.js';
import { writeFilesAtomically } from '../../io/write.js';
import { listAttrPaths } from '../../nix/instantiate.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export interface IndexOptions {
  nixpkgs: string | undefined;
  output: string | undefined;
}

/** `nixpod index`: the attribute paths of a local nixpkgs, for `check --package-index` where there is no Nix. */
export async function runIndex(opts: IndexOptions, io: CliIo): Promise<number> {
  const paths = await listAttrPaths(io.env, io.cwd, opts.nixpkgs === undefined ? undefined : resolve(io.cwd, opts.nixpkgs));
  const text = formatPackageIndex(paths);
  if (opts.output === undefined || opts.output === '-') io.stdout(text);
  else {
    const file = resolve(io.cwd, opts.output);
    await writeFilesAtomically(resolve(file, '..'), [{ name: file.slice(file.lastIndexOf('/') + 1), content: text }]);
    io.stderr(`wrote ${paths.length} attribute paths to ${opts.output}\n`);
  }
  return EXIT.ok;
}
