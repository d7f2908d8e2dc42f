import type { ObjectResult, DryRun } from '../../cluster/apply.js';
import { isTimeout, lifetime } from '../../cluster/cancel.js';
import { SAID_ONCE, type Explained } from '../../cluster/explain.js';
import type { PodOutcome, WaitOptions, WaitResult } from '../../cluster/pods.js';
import type { Manifest } from '../../core/render/manifests.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatError } from '../reporter.js';
import { checkAndRender, openCluster } from './prepare.js';

export interface ClusterOptions {
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
  /** --kind: wins over the scripts' settings (see core/render). */
  kind?: 'pod' | 'job' | 'cronjob' | undefined;
}

export interface ApplyCommandOptions extends ClusterOptions {
  paths: string[];
  image: string | undefined;
  templates: string | undefined;
  fieldManager: string;
  forceConflicts: boolean;
  dryRun: DryRun;
  createNamespace: boolean;
  concurrency: number;
  replace: boolean;
  prune: boolean;
  applyset: string;
  wait: boolean;
  logs: boolean;
  timeoutMs: number;
  output: 'text' | 'json';
  version: string;
}

/**
 * `nixpod apply`: everything runs under one signal (SIGINT, SIGTERM and
 * --timeout). A closed stdout only stops the printing: every apply and prune
 * asked for is still done.
 */
export async function runApply(opts: ApplyCommandOptions, io: CliIo): Promise<number> {
  const rendered = await checkAndRender({ paths: opts.paths, namespace: opts.namespace ?? null, image: opts.image, kind: opts.kind, templates: opts.templates }, io);
  if (!rendered) return EXIT.problems;
  // The cluster code only now (client-node, ~0.8 s to load, only for credential plugins: see cluster/config.ts).
  const [{ applyObject, ensureNamespace, mapLimit, priorVersions }, applyset, { waitForPods }] = await Promise.all([
    import('../../cluster/apply.js'),
    import('../../cluster/applyset.js'),
    import('../../cluster/pods.js'),
  ]);
  if (opts.prune) applyset.requireMembers(applyset.memberKeys(rendered.map((s) => s.name)));
  const life = lifetime(io.signal, opts.timeoutMs);
  const api = await openCluster(opts, io, life);
  try {
    const ns = api.conn.namespace;
    const settings = { fieldManager: opts.fieldManager, force: opts.forceConflicts, dryRun: opts.dryRun, createNamespace: opts.createNamespace, concurrency: opts.concurrency, replace: opts.replace };
    const { results, report } = reporter(opts, io);
    if (opts.createNamespace) {
      const r = await ensureNamespace(api, ns, settings);
      if (r) report(r);
      if (r?.error) return finish(results, [], opts, io);
    }
    const id = applyset.applySetId(opts.applyset, ns);
    const member = (o: Manifest) => (opts.prune ? applyset.asMember(o, id) : o);
    if (opts.prune) {
      const parent = await applyObject(api, ns, await applyset.claimParent(api, opts.applyset, ns, opts.version), settings, null);
      if (parent.error) {
        report(parent);
        return finish(results, [], opts, io);
      }
    }
    // What exists already, to tell created / configured / unchanged (a missing namespace lists nothing).
    const prior = opts.dryRun === 'client' ? undefined : await priorVersions(api, ns, ['ConfigMap', 'Pod'], opts.fieldManager);
    // Scripts in parallel (bounded); in each, the ConfigMap before its Pod.
    await mapLimit(rendered, opts.concurrency, async (s) => {
      const [cm, pod] = s.objects();
      const first = await applyObject(api, ns, member(cm), settings, s.path, prior);
      report(first);
      if (first.error) report({ script: s.path, kind: 'Pod', name: s.name, namespace: first.namespace, action: 'failed', dryRun: opts.dryRun, error: notApplied(first.error, s.name) });
      else report(await applyObject(api, ns, member(pod), settings, s.path, prior));
    });
    if (opts.prune) {
      if (results.some((r) => r.error)) io.stderr('nixpod: not pruning: some objects failed to apply\n');
      else for (const r of await applyset.prune(api, ns, id, applyset.memberKeys(rendered.map((s) => s.name)), opts.dryRun)) report(r);
    }
    let outcomes: PodOutcome[] = [];
    if ((opts.wait || opts.logs) && opts.dryRun === 'none' && !results.some((r) => r.error)) {
      const waited = await waitForPods(api, ns, rendered.map((s) => ({ script: s.path, name: s.name })), waitOptions(opts, io, life.signal));
      outcomes = waited.outcomes;
      if (opts.output === 'text') sayOutcomes(waited, io, life.signal);
      if (waited.error) {
        io.stderr(formatError(waited.error.message, waited.error.hint));
        return finish(results, outcomes, opts, io, EXIT.cluster);
      }
    }
    return finish(results, outcomes, opts, io);
  } finally {
    api.close();
  }
}

/** The Pod of a script whose ConfigMap failed: the same error when it is about the namespace or a cancel, else why it was skipped. */
function notApplied(e: Explained, name: string): Explained {
  return SAID_ONCE.has(e.kind) ? e : { kind: 'other', message: `pod/${name}: not applied, because its ConfigMap failed`, hint: 'fix the error above; re-running converges' };
}

function waitOptions(opts: ApplyCommandOptions, io: CliIo, signal: AbortSignal): WaitOptions {
  return {
    signal,
    onLog: opts.logs ? (script, line) => io.stdout(`[${script}] ${line}\n`) : undefined,
    onNote: (text) => io.stderr(`nixpod: warning: ${text}\n`),
  };
}

/** Each object's line as it is done; an error about the namespace, or a cancel, is said once for all objects. */
function reporter(opts: ApplyCommandOptions, io: CliIo): { results: ObjectResult[]; report: (r: ObjectResult) => void } {
  const results: ObjectResult[] = [];
  const said = new Set<string>();
  const report = (r: ObjectResult): void => {
    results.push(r);
    if (opts.output !== 'text') return;
    if (!r.error) return io.stdout(`${r.kind.toLowerCase()}/${r.name} ${r.action}${dryRunSuffix(r.dryRun)}\n`);
    if (SAID_ONCE.has(r.error.kind) && said.has(r.error.message)) return;
    said.add(r.error.message);
    io.stderr(formatError(r.error.message, r.error.hint));
  };
  return { results, report };
}

/** How each Pod ended; nothing after SIGINT or SIGTERM (the exit code says it) or when the wait failed (where they got to is no outcome). */
function sayOutcomes(waited: WaitResult, io: CliIo, signal: AbortSignal): void {
  if ((signal.aborted && !isTimeout(signal.reason)) || waited.error) return;
  for (const o of waited.outcomes) io.stderr(describeOutcome(o));
}

function finish(results: readonly ObjectResult[], outcomes: readonly PodOutcome[], opts: ApplyCommandOptions, io: CliIo, code?: number): number {
  const failed = results.filter((r) => r.error).length;
  const podsFailed = outcomes.filter((o) => o.phase !== 'Succeeded').length;
  if (opts.output === 'json') {
    io.stdout(JSON.stringify({ items: results.map(({ error, ...r }) => ({ ...r, ...(error ? { error: { message: error.message, hint: error.hint } } : {}) })), pods: outcomes, summary: summary(results) }, null, 2) + '\n');
  } else {
    const s = summary(results);
    io.stderr(`${Object.entries(s).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing to apply'}${dryRunSuffix(opts.dryRun)}\n`);
  }
  if (code !== undefined) return code;
  if (failed > 0) return EXIT.cluster;
  return podsFailed > 0 ? EXIT.problems : EXIT.ok;
}

function summary(results: readonly ObjectResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.error?.kind === 'cancelled' ? 'not applied' : r.action;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

const dryRunSuffix = (d: DryRun): string => (d === 'server' ? ' (server dry run)' : d === 'client' ? ' (dry run)' : '');

function describeOutcome(o: PodOutcome): string {
  if (o.phase === 'Succeeded') return `pod/${o.name} (${o.script}) succeeded\n`;
  const why = o.reason ? `: ${o.reason}` : o.phase === 'Failed' ? '' : ` (still ${o.phase} at the timeout)`;
  const events = o.events.map((e) => `  event: ${e}\n`).join('');
  return `pod/${o.name} (${o.script}) ${o.phase === 'Failed' ? 'failed' : 'did not finish'}${why}\n${events}`;
}
