import { compareDiagnostics, countBySeverity } from '../../core/diagnostic.js';
import { checkRendering } from '../../core/render/checks.js';
import { createRenderer, type Manifest, type RenderedScript } from '../../core/render/manifests.js';
import { compileTemplates } from '../../core/render/templates.js';
import type { RenderOptions } from '../../core/render/context.js';
import { loadTemplates } from '../../io/templates.js';
import { writeFilesAtomically } from '../../io/write.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatSummary, formatText } from '../reporter.js';
import { loadAndCheck } from './load.js';

/** Scripts per write: few system calls, no single huge string. */
const WRITE_BATCH = 256;

export interface RenderCommandOptions extends RenderOptions {
  paths: string[];
  templates: string | undefined;
  outputDir: string | undefined;
  format: 'yaml' | 'json';
  /** --config FILE (see load.ts). */
  config?: string | undefined;
  /** --nix-version: the Nix the Pods run (see load.ts). */
  nixVersion?: string | undefined;
}

export async function runRender(opts: RenderCommandOptions, io: CliIo): Promise<number> {
  const [run, sources] = await Promise.all([loadAndCheck(opts.paths, io.cwd, { config: opts.config, nixVersion: opts.nixVersion, image: opts.image }), loadTemplates(opts.templates, io.cwd)]);
  const templates = compileTemplates(sources);
  const flags: RenderOptions = { namespace: opts.namespace, image: opts.image, kind: opts.kind };
  const diagnostics = [...run.diagnostics, ...checkRendering(run.scripts, flags)].sort(compareDiagnostics);
  const { errors } = countBySeverity(diagnostics);
  if (diagnostics.length > 0) io.stderr(formatText(diagnostics));
  if (errors > 0) {
    io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips) + 'nothing rendered: fix the errors above\n');
    return EXIT.problems;
  }
  // Nothing is left out silently: say what was skipped, and why.
  if (run.skipped > 0) io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips));
  const rendered = run.scripts.map(createRenderer(flags, templates));
  if (opts.outputDir !== undefined) {
    const files = rendered.map((r) => ({ name: `${r.base}.yaml`, content: serialize(r, opts.format) }));
    const written = await writeFilesAtomically(opts.outputDir.startsWith('/') ? opts.outputDir : `${io.cwd}/${opts.outputDir}`, files, io.signal);
    io.stderr(`wrote ${written.length} file${written.length === 1 ? '' : 's'} to ${opts.outputDir}\n`);
  } else if (opts.format === 'json') {
    io.stdout(asList(rendered.flatMap((r) => r.objects())));
  } else {
    // Everything is rendered (so any template error has surfaced) before the first byte goes out;
    // writing per script then keeps one huge string out of memory.
    const texts = rendered.map((r) => r.yaml());
    for (let i = 0; i < texts.length && !io.stdoutClosed(); i += WRITE_BATCH) io.stdout(texts.slice(i, i + WRITE_BATCH).join(''));
  }
  return EXIT.ok;
}

function serialize(r: RenderedScript, format: 'yaml' | 'json'): string {
  return format === 'yaml' ? r.yaml() : asList(r.objects());
}

/** What `kubectl get -o json` prints for several objects. */
function asList(objects: readonly Manifest[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects, metadata: { resourceVersion: '' } }, null, 2) + '\n';
}
