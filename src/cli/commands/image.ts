import { compareDiagnostics, countBySeverity, withPath, type Diagnostic } from '../../core/diagnostic.js';
import { baseNameFor } from '../../core/render/names.js';
import { effectiveSettings } from '../../core/render/settings-context.js';
import { imageBuild } from '../../core/runtime/image-expr.js';
import { imageTag } from '../../core/runtime/image-tag.js';
import { writeTreeAtomically, type TreeFile } from '../../io/write-tree.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatSummary, formatText } from '../reporter.js';
import { loadAndCheck } from './load.js';

export interface ImageCommandOptions {
  paths: string[];
  outputDir: string;
  /** The repository the images go to (default: the registry setting, else the script's base name). */
  registry: string | undefined;
  config?: string | undefined;
}

/**
 * `nixpod image SCRIPT... -o DIR`: per script, DIR/<base>.nix (the expression
 * that builds its image) and DIR/<base>/ (the script and its files, and the
 * -p words in .nixpod-shell.nix). Prints one line per script: the expression
 * and the image reference render will use. Nothing is written when a script
 * has errors.
 */
export async function runImage(opts: ImageCommandOptions, io: CliIo): Promise<number> {
  const run = await loadAndCheck(opts.paths, io.cwd, { config: opts.config });
  const builds = run.scripts.map((script) => {
    const registry = opts.registry ?? effectiveSettings(script.settings, { namespace: null }).registry;
    const name = registry ?? baseNameFor(script.fileName);
    const tag = imageTag(script);
    return { script, name, tag, build: imageBuild(script, name, tag) };
  });
  const diagnostics: Diagnostic[] = [...run.diagnostics, ...builds.flatMap((b) => withPath(b.script.path, b.build.findings))].sort(compareDiagnostics);
  if (diagnostics.length > 0) io.stderr(formatText(diagnostics));
  if (countBySeverity(diagnostics).errors > 0) {
    io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips) + 'nothing written: fix the errors above\n');
    return EXIT.problems;
  }
  if (run.skipped > 0) io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips));
  const files: TreeFile[] = builds.flatMap(({ script, build }) => {
    const base = baseNameFor(script.fileName);
    return [{ path: `${base}.nix`, bytes: build.expression }, ...build.files];
  });
  const dir = opts.outputDir.startsWith('/') ? opts.outputDir : `${io.cwd}/${opts.outputDir}`;
  await writeTreeAtomically(dir, files, io.signal);
  for (const b of builds) io.stdout(`${opts.outputDir.replace(/\/+$/, '')}/${baseNameFor(b.script.fileName)}.nix\t${b.name}:${b.tag}\n`);
  io.stderr(`wrote ${builds.length} image expression${builds.length === 1 ? '' : 's'} to ${opts.outputDir}\n`);
  return EXIT.ok;
}
