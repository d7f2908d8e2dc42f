import { compareDiagnostics, countBySeverity } from '../../core/diagnostic.js';
import { checkRendering } from '../../core/render/checks.js';
import { createRenderer, type Manifest, type RenderedScript } from '../../core/render/manifests.js';
import { compileTemplates } from '../../core/render/templates.js';
import { ByteSink } from '../../core/render/yaml-bytes.js';
import type { RenderOptions } from '../../core/render/context.js';
import { loadTemplates } from '../../io/templates.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatRunFindings, formatSummary } from '../reporter.js';
import { loadAndCheck } from './load.js';
import { preloadYaml } from '../../core/yaml-lib.js';

/** Scripts per write: few system calls, no single huge string. */
const WRITE_BATCH = 256;

export interface RenderCommandOptions extends RenderOptions {
  paths: string[];
  templates: string | undefined;
  outputDir: string | undefined;
  format: 'yaml' | 'json';
  /** --config FILE (see load.ts). */
  config?: string | undefined;
  /** --check: compare outputDir with what would be written, write nothing. */
  check?: boolean | undefined;
  /** --no-kustomization: -o DIR gets no kustomization.yaml (for kubectl apply -f DIR). */
  kustomization?: boolean | undefined;
  /** --quiet: no warnings (errors are always printed). */
  quiet?: boolean | undefined;
  /** --nix-version: the Nix the Pods run (see load.ts). */
  nixVersion?: string | undefined;
}

export async function runRender(opts: RenderCommandOptions, io: CliIo): Promise<number> {
  // Templates of one's own may render YAML that only the YAML library reads.
  const [run, sources] = await Promise.all([loadAndCheck(opts.paths, io.cwd, { config: opts.config, nixVersion: opts.nixVersion, image: opts.image, runtime: opts.runtime?.runtime }), loadTemplates(opts.templates, io.cwd), opts.templates !== undefined ? preloadYaml() : undefined]);
  const templates = compileTemplates(sources);
  const flags: RenderOptions = { namespace: opts.namespace, image: opts.image, kind: opts.kind, runtime: opts.runtime };
  const diagnostics = [...run.diagnostics, ...checkRendering(run.scripts, flags)].sort(compareDiagnostics);
  const { errors } = countBySeverity(diagnostics);
  if (diagnostics.length > 0) io.stderr(formatRunFindings(diagnostics, opts.quiet === true));
  if (errors > 0) {
    io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips) + 'nothing rendered: fix the errors above\n');
    return EXIT.problems;
  }
  // Nothing is left out silently: say what was skipped, and why.
  if (run.skipped > 0) io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips));
  // Every template error surfaces here, before the first byte goes out; the texts are made only as they are written.
  const rendered = run.scripts.map(createRenderer(flags, templates));
  for (const r of rendered) r.settle(opts.format);
  if (opts.outputDir !== undefined) {
    const files = rendered.map((r) => ({ name: `${r.base}.yaml`, content: () => serialize(r, opts.format) }));
    // Loaded only for -o DIR: reading the folder's YAML takes the YAML library.
    const { checkOutputDir, writeOutputDir } = await import('./render-output.js');
    return await (opts.check === true ? checkOutputDir : writeOutputDir)(opts.outputDir, files, io, { kustomization: opts.kustomization !== false });
  } else if (opts.format === 'json') {
    await streamList(rendered, io);
  } else {
    await streamYaml(rendered, io);
  }
  return EXIT.ok;
}

/**
 * Whether to write the next batch: stdout is still read and no signal came.
 * Rendering runs without a pause, so a Ctrl-C is only seen here, between
 * batches, when the event loop gets a turn (runMain then exits 130 or 143).
 */
async function goOn(io: CliIo): Promise<boolean> {
  if (io.stdoutClosed()) return false;
  await new Promise((resolve) => setImmediate(resolve));
  return !io.signal.aborted;
}

/** Every script's yaml(), a batch at a time, made as bytes in one Buffer reused for every batch. */
async function streamYaml(rendered: readonly RenderedScript[], io: CliIo): Promise<void> {
  const sink = new ByteSink();
  const write = (b: Buffer): void => (io.stdoutBytes ? io.stdoutBytes(b) : io.stdout(b.toString('utf8')));
  for (let i = 0; i < rendered.length && (await goOn(io)); i += WRITE_BATCH) {
    for (let j = i; j < Math.min(i + WRITE_BATCH, rendered.length); j++) {
      const r = rendered[j] as RenderedScript;
      if (r.yamlInto) r.yamlInto(sink);
      else sink.text(r.yaml());
    }
    write(sink.take());
  }
}

function serialize(r: RenderedScript, format: 'yaml' | 'json'): string {
  return format === 'yaml' ? r.yaml() : asList(r.objects());
}

/** What `kubectl get -o json` prints for several objects. */
function asList(objects: readonly Manifest[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects, metadata: { resourceVersion: '' } }, null, 2) + '\n';
}

/**
 * `asList` of every object, to the byte, written a batch of scripts at a time:
 * an item at depth 2 is its own two-space JSON with each line indented by four
 * (a JSON string never holds a raw line break, so lines are the document's).
 */
async function streamList(rendered: readonly RenderedScript[], io: CliIo): Promise<void> {
  if (rendered.length === 0) return io.stdout(asList([]));
  if (!(await goOn(io))) return;
  io.stdout('{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n');
  for (let i = 0; i < rendered.length; i += WRITE_BATCH) {
    if (!(await goOn(io))) return;
    const items = rendered.slice(i, i + WRITE_BATCH).flatMap((r) => r.objects().map((o) => '    ' + JSON.stringify(o, null, 2).replaceAll('\n', '\n    ')));
    io.stdout(items.join(',\n') + (i + WRITE_BATCH < rendered.length ? ',\n' : '\n'));
  }
  io.stdout('  ],\n  "metadata": {\n    "resourceVersion": ""\n  }\n}\n');
}
