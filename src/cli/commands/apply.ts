import type { RenderOptions } from '../../core/render/context.js';
import type { DryRun, ObjectResult } from '../../cluster/apply.js';
import type { PruneRun } from '../../cluster/prune-hold.js';
import { CancelledError, lifetime } from '../../cluster/cancel.js';
import { explainError, SAME_FOR_ALL, SAID_ONCE, withoutObject, type Explained } from '../../cluster/explain.js';
import type { PodOutcome, WaitOptions } from '../../cluster/pods.js';
import { NixpodError, UsageError } from '../../core/errors.js';
import type { Manifest, RenderedScript } from '../../core/render/manifests.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatError } from '../reporter.js';
import { finish, heldWarning, reporter, sayOrphans, sayOutcomes } from './apply-report.js';
import { checkAndRender, openCluster } from './prepare.js';

export interface ClusterOptions {
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
  /** --config FILE: one nixpod.yaml for every script. */
  config?: string | undefined;
  /** --kind: wins over the scripts' settings (see core/render). */
  kind?: 'pod' | 'job' | 'cronjob' | undefined;
  /** --runtime: wins over the scripts' settings (see core/runtime). */
  runtime?: RenderOptions['runtime'];
  /** --quiet: no warnings (errors are always printed). */
  quiet?: boolean | undefined;
  /** --nix-version: the Nix the Pods run (see load.ts). */
  nixVersion?: string | undefined;
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
  const rendered = await checkAndRender({ paths: opts.paths, namespace: opts.namespace ?? null, image: opts.image, kind: opts.kind, runtime: opts.runtime, templates: opts.templates, config: opts.config, quiet: opts.quiet, nixVersion: opts.nixVersion }, io);
  if (!rendered) return EXIT.problems;
  // The cluster code only now (client-node, ~0.8 s to load, only for credential plugins: see cluster/config.ts).
  const [{ applyObject, ensureNamespace, mapLimit, priorVersions }, applyset, kinds, { waitForWork }, prune, holds] = await Promise.all([
    import('../../cluster/apply.js'),
    import('../../cluster/applyset.js'),
    import('../../cluster/kinds.js'),
    import('../../cluster/jobs.js'),
    import('../../cluster/prune.js'),
    import('../../cluster/prune-hold.js'),
  ]);
  for (const s of rendered) kinds.checkKinds(s.path, s.objects());
  if (opts.wait || opts.logs) refuseScheduleWait(rendered, opts.logs ? '--logs' : '--wait');
  const all = rendered.flatMap((s) => s.objects());
  if (opts.prune) applyset.requireMembers(applyset.memberKeys(all));
  const life = lifetime(io.signal, opts.timeoutMs);
  const api = await openCluster(opts, io, life);
  const f = { output: opts.output, dryRun: opts.dryRun };
  const ns = api.conn.namespace;
  // This run's hold on its ApplySet, from the moment its write is sent (see applyset.ts).
  let run: PruneRun | undefined;
  const release = async (held: PruneRun): Promise<void> => {
    const left = (why: string) => `nixpod: warning: could not release this run's hold on configmap/${opts.applyset} (run ${held.id}${why}): another apply --prune of the set is refused until ${new Date(held.until).toISOString()}\n  hint: release it (it takes the right to patch it): ${holds.releaseCommand(opts.applyset, ns)}\n`;
    // A second Ctrl-C while the hold is let go still says it may be left.
    io.lastWords?.(left(': stopped while releasing it'));
    const why = await holds.releaseRun(api, opts.applyset, ns, held, opts.fieldManager);
    io.lastWords?.(undefined);
    if (why !== undefined) io.stderr(left(`: ${why}`));
  };
  try {
    const settings = { fieldManager: opts.fieldManager, force: opts.forceConflicts, dryRun: opts.dryRun, createNamespace: opts.createNamespace, concurrency: opts.concurrency, replace: opts.replace };
    const { results, report } = reporter(opts.output, io);
    // Stopped (a signal, --timeout) before the first object: said once, and every object counted as not applied.
    const stoppedBefore = (error: Explained): number => {
      for (const r of rendered) for (const o of r.objects()) report({ script: r.path, kind: String(o.kind), name: workName(o), namespace: ns, action: 'failed', dryRun: opts.dryRun, error });
      return finish(results, [], f, io);
    };
    const id = applyset.applySetId(opts.applyset, ns);
    const member = (o: Manifest) => (opts.prune ? applyset.asMember(o, id) : o);
    let prior: Awaited<ReturnType<typeof priorVersions>>;
    let holdSettled = false;
    try {
      if (opts.createNamespace) {
        const r = await ensureNamespace(api, ns, settings);
        if (r?.error?.kind === 'cancelled') return stoppedBefore(r.error);
        if (r) report(r);
        if (r?.error) return finish(results, [], f, io);
      }
      if (opts.prune) {
        // One apply --prune of a set at a time (see applyset.ts); a dry run changes nothing, so holds nothing.
        const hold = { ttlMs: opts.timeoutMs + RUN_MARGIN_MS, fieldManager: opts.fieldManager, started: (r: PruneRun) => void (run = r) };
        const claimed = await applyset.claimParent(api, opts.applyset, ns, opts.version, opts.dryRun === 'none' ? hold : undefined);
        holdSettled = true;
        if (claimed.heldBy) io.stderr(heldWarning(claimed.heldBy, opts.applyset));
        const parent = await applyObject(api, ns, claimed.parent, settings, null);
        if (parent.error?.kind === 'cancelled') return stoppedBefore(parent.error);
        if (parent.error) {
          report(parentFailure(parent));
          return finish(results, [], f, io);
        }
      }
      // What exists already, to tell created / configured / unchanged (a missing namespace lists nothing).
      prior = opts.dryRun === 'client' ? undefined : await priorVersions(api, ns, [...new Set(all.map((o) => String(o.kind)))], opts.fieldManager);
    } catch (e) {
      if (e instanceof CancelledError) {
        // Stopped with the hold's write in flight: the server may still do it after the release has looked.
        if (run && !holdSettled) io.stderr(`nixpod: warning: stopped while this run's hold on configmap/${opts.applyset} was being written (run ${run.id}): if the server still writes it, the set stays held until ${new Date(run.until).toISOString()}\n  hint: if another apply --prune is refused with run ${run.id}, release it: ${holds.releaseCommand(opts.applyset, ns)}\n`);
        return stoppedBefore(explainError(e, '', api.conn.server));
      }
      // -o json still writes its document (every object not applied, with why); the error is said once on stderr too.
      if (opts.output !== 'json' || !(e instanceof NixpodError) || e.code !== 'cluster') throw e;
      const error = explainError(e, 'the cluster', api.conn.server);
      io.stderr(formatError(error.message, error.hint));
      return stoppedBefore(error);
    }
    // Scripts in parallel (bounded); in each, the ConfigMap (if any: runtime image has none) before the workload that mounts it.
    await mapLimit(rendered, opts.concurrency, async (s) => {
      const cm = s.configMap();
      const work = s.workload();
      if (!cm) return report(await applyObject(api, ns, member(work), settings, s.path, prior));
      const first = await applyObject(api, ns, member(cm), settings, s.path, prior);
      report(first);
      if (first.error) report({ script: s.path, kind: String(work.kind), name: workName(work), namespace: first.namespace, action: 'failed', dryRun: opts.dryRun, error: notApplied(first.error, work) });
      else report(await applyObject(api, ns, member(work), settings, s.path, prior));
    });
    let orphans;
    if (opts.prune) {
      if (results.some((r) => r.error)) io.stderr(`nixpod: not pruning: ${results.some((r) => r.error?.kind === 'cancelled') ? 'the apply was stopped before it finished' : 'some objects failed to apply'}\n`);
      else {
        const taken = run && (await holds.stillHeld(api, opts.applyset, ns, run));
        if (taken) {
          io.stderr(formatError(taken.message, taken.hint));
          return finish(results, [], { ...f, orphans }, io, EXIT.cluster);
        }
        for (const r of await prune.prune(api, ns, id, applyset.memberKeys(all), opts.dryRun)) report(r);
        orphans = await prune.findOrphans(api, ns);
        if (orphans && opts.output === 'text') sayOrphans(orphans, ns, io);
      }
      if (run) await release(run);
      run = undefined;
    }
    let outcomes: PodOutcome[] = [];
    if ((opts.wait || opts.logs) && opts.dryRun === 'none' && !results.some((r) => r.error)) {
      const waited = await waitForWork(api, ns, rendered.map((s) => ({ script: s.path, kind: String(s.workload().kind), name: workName(s.workload()) })), waitOptions(opts, io, life.signal));
      outcomes = waited.outcomes;
      if (opts.output === 'text') sayOutcomes(waited, io, life.signal);
      if (waited.error) {
        io.stderr(formatError(waited.error.message, waited.error.hint));
        return finish(results, outcomes, { ...f, orphans }, io, EXIT.cluster);
      }
    }
    return finish(results, outcomes, { ...f, orphans }, io);
  } finally {
    // Stopped, failed or not pruning: the set is let go all the same.
    if (run) await release(run);
    api.close();
  }
}

/** How long past --timeout a run that died holds its set (see applyset.ts). */
const RUN_MARGIN_MS = 60_000;

/** The parent's failure, said as the parent's. */
function parentFailure(parent: ObjectResult): ObjectResult {
  if (!parent.error) return parent;
  const what = `${parent.kind.toLowerCase()}/${parent.name}`;
  const message = parent.error.message.startsWith(`${what}: `) ? `${what} (the ApplySet parent): ${withoutObject(parent.error.message)}` : parent.error.message;
  return { ...parent, error: { ...parent.error, message } };
}

const workName = (o: Manifest): string => String((o.metadata as { name?: unknown }).name);

/** A CronJob runs on its schedule, not now: there is nothing to wait for (before anything is applied). */
function refuseScheduleWait(rendered: readonly RenderedScript[], flag: string): void {
  const s = rendered.find((r) => r.workload().kind === 'CronJob');
  if (!s) return;
  throw new UsageError(`${s.path}: ${flag} cannot follow cronjob/${workName(s.workload())}: a CronJob runs on its schedule, so there is no run to wait for`, `run it once now and follow it with: nixpod run ${s.path}; or apply it without ${flag}`);
}

/** The workload of a script whose ConfigMap failed: the same error when it is about the namespace, the connection, the credentials or a cancel, else why it was skipped. */
function notApplied(e: Explained, work: Manifest): Explained {
  if (SAME_FOR_ALL.has(e.kind)) return { ...e, message: `${String(work.kind).toLowerCase()}/${workName(work)}: ${withoutObject(e.message)}` };
  return SAID_ONCE.has(e.kind) ? e : { kind: 'other', message: `${String(work.kind).toLowerCase()}/${workName(work)}: not applied, because its ConfigMap failed`, hint: 'fix the error above; re-running converges' };
}

function waitOptions(opts: ApplyCommandOptions, io: CliIo, signal: AbortSignal): WaitOptions {
  return {
    signal,
    // With -o json, stdout holds one JSON document: the log lines go to stderr.
    onLog: opts.logs ? (script, line) => (opts.output === 'json' ? io.stderr : io.stdout)(`[${script}] ${line}\n`) : undefined,
    onNote: (text) => io.stderr(`nixpod: warning: ${text}\n`),
  };
}
