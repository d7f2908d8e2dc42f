import { compareDiagnostics, countBySeverity } from '../../core/diagnostic.js';
import { checkRendering } from '../../core/render/checks.js';
import type { RenderOptions } from '../../core/render/context.js';
import { createRenderer, type RenderedScript } from '../../core/render/manifests.js';
import { compileTemplates } from '../../core/render/templates.js';
import { loadTemplates } from '../../io/templates.js';
import type { Lifetime } from '../../cluster/cancel.js';
import type { Api } from '../../cluster/http.js';
import type { CliIo } from '../io.js';
import { formatRunFindings, formatSummary } from '../reporter.js';
import { loadAndCheck } from './load.js';

export interface PrepareOptions {
  paths: string[];
  namespace: string | null;
  image: string | undefined;
  /** --kind: wins over the scripts' settings. */
  kind?: RenderOptions['kind'];
  /** --runtime: wins over the scripts' settings. */
  runtime?: RenderOptions['runtime'];
  templates: string | undefined;
  /** --config FILE (see load.ts). */
  config?: string | undefined;
  /** --quiet: no warnings (errors are always printed). */
  quiet?: boolean | undefined;
  /** --nix-version: the Nix the Pods run (see load.ts). */
  nixVersion?: string | undefined;
}

/**
 * Check and render, as `nixpod render` does: what the cluster commands send is
 * exactly what render prints. Undefined (after printing why) when a script has errors.
 */
export async function checkAndRender(opts: PrepareOptions, io: CliIo): Promise<RenderedScript[] | undefined> {
  const [run, sources] = await Promise.all([loadAndCheck(opts.paths, io.cwd, { config: opts.config, nixVersion: opts.nixVersion, image: opts.image, runtime: opts.runtime?.runtime }), loadTemplates(opts.templates, io.cwd)]);
  const templates = compileTemplates(sources);
  const flags: RenderOptions = { namespace: opts.namespace, image: opts.image, kind: opts.kind, runtime: opts.runtime };
  const diagnostics = [...run.diagnostics, ...checkRendering(run.scripts, flags)].sort(compareDiagnostics);
  if (diagnostics.length > 0) io.stderr(formatRunFindings(diagnostics, opts.quiet === true));
  if (countBySeverity(diagnostics).errors > 0) {
    io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips) + 'nothing sent to the cluster: fix the errors above\n');
    return undefined;
  }
  // Nothing is left out silently: say what was skipped, and why.
  if (run.skipped > 0) io.stderr(formatSummary(diagnostics, run.scripts.length, run.skips));
  const render = createRenderer(flags, templates);
  return run.scripts.map(render);
}

/**
 * Connect as kubectl would (the cluster code loads only now); `api.conn.namespace`
 * is the namespace to use. Every request runs under `life` (default: the
 * command's signal alone).
 */
export async function openCluster(opts: { kubeconfig: string | undefined; context: string | undefined; namespace: string | undefined; version: string }, io: CliIo, life?: Lifetime): Promise<Api> {
  const [{ connect }, { Api }] = await Promise.all([import('../../cluster/config.js'), import('../../cluster/http.js')]);
  const signal = life?.signal ?? io.signal;
  return new Api(await connect(opts, io.env, { cwd: io.cwd, stderr: io.stderr, stdinIsTerminal: process.stdin.isTTY === true, signal }), { signal, deadline: life?.deadline, userAgent: `nixpod/${opts.version}` });
}
