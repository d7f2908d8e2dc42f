import { compareDiagnostics, countBySeverity, finding, withPath, type Diagnostic, type Finding } from '../../core/diagnostic.js';
import { scriptBase } from '../../core/render/names.js';
import { effectiveSettings } from '../../core/render/settings-context.js';
import { imageBuild } from '../../core/runtime/image-expr.js';
import { imageTag } from '../../core/runtime/image-tag.js';
import { writtenByImage } from '../../io/image-owned.js';
import { writeTreeAtomically, type TreeFile } from '../../io/write-tree.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatSummary, formatText } from '../reporter.js';
import { loadAndCheck } from './load.js';

export interface ImageCommandOptions {
  paths: string[];
  outputDir: string;
  /** The repository the images go to (default: the registry setting; one of them is needed). */
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
  const run = await loadAndCheck(opts.paths, io.cwd, { config: opts.config, runtime: 'image' });
  const builds = run.scripts.map((script) => {
    const registry = opts.registry ?? effectiveSettings(script.settings, { namespace: null }).registry;
    const tag = imageTag(script);
    // The same base as render's names, so that DIR/<base>.nix and DIR/<base>/ belong to one script (duplicate-name guards it).
    const base = scriptBase(script.fileName, script.settings?.settings);
    const build = imageBuild(script, registry ?? 'image', tag);
    return { script, name: registry ?? '', tag, base, build, findings: registry === undefined ? [...build.findings, missingRegistry()] : build.findings };
  });
  const diagnostics: Diagnostic[] = [...run.diagnostics, ...builds.flatMap((b) => withPath(b.script.path, b.findings))].sort(compareDiagnostics);
  if (diagnostics.length > 0) io.stderr(formatText(diagnostics));
  if (countBySeverity(diagnostics).errors > 0) {
    io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips) + 'nothing written: fix the errors above\n');
    return EXIT.problems;
  }
  if (run.skipped > 0) io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips));
  const files: TreeFile[] = builds.flatMap(({ base, build }) => [{ path: `${base}.nix`, bytes: build.expression }, ...build.files]);
  const dir = opts.outputDir.startsWith('/') ? opts.outputDir : `${io.cwd}/${opts.outputDir}`;
  // Only what nixpod image wrote before is replaced: a user's deploy/ beside a script named deploy is refused, not deleted.
  await writeTreeAtomically(dir, files, io.signal, writtenByImage);
  for (const b of builds) io.stdout(`${opts.outputDir.replace(/\/+$/, '')}/${b.base}.nix\t${b.name}:${b.tag}\n`);
  io.stderr(`wrote ${builds.length} image expression${builds.length === 1 ? '' : 's'} to ${opts.outputDir}\n`);
  return EXIT.ok;
}

/** As render's missing-registry: an image named after nothing would be pushed where render never looks. */
function missingRegistry(): Finding {
  return finding({ line: 1, col: 1 }, 'error', 'missing-registry', 'nixpod image needs the repository the images are pushed to, and none is set', 'pass --registry REPO (e.g. ghcr.io/acme/scripts), or set registry: REPO in nixpod.yaml');
}
