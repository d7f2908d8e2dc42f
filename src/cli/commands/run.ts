import { randomBytes } from 'node:crypto';
import type { ApplySettings } from '../../cluster/apply.js';
import { cleanupDeadline, describeAbort, isTimeout, lifetime } from '../../cluster/cancel.js';
import type { Explained } from '../../cluster/explain.js';
import type { Api } from '../../cluster/http.js';
import type { Manifest, RenderedScript } from '../../core/render/manifests.js';
import type { PodOutcome } from '../../cluster/pods.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatError } from '../reporter.js';
import type { ClusterOptions } from './apply.js';
import { checkAndRender, openCluster } from './prepare.js';
import { UsageError } from '../../core/errors.js';

export interface RunCommandOptions extends ClusterOptions {
  script: string;
  args: string[];
  image: string | undefined;
  templates: string | undefined;
  fieldManager: string;
  keep: boolean;
  timeoutMs: number;
  version: string;
}

/** Rename every value equal to `from` (metadata.name, the volume's configMap.name): the objects of one run get a name of their own. */
function renamed(v: unknown, from: string, to: string): unknown {
  if (v === from) return to;
  if (Array.isArray(v)) return v.map((x) => renamed(x, from, to));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renamed(x, from, to)]));
  return v;
}

/**
 * `nixpod run SCRIPT [-- ARGS...]`: apply the script's ConfigMap and a Pod
 * (or a Job, for a job or cronjob script) that passes ARGS to it, stream its
 * log, and exit with the script's own exit code. What the run created is
 * deleted afterwards, whatever ended the run (the script, --timeout, SIGINT,
 * SIGTERM, stdout's reader going away), unless --keep; a delete that fails is
 * an error naming what was left behind. A cronjob script runs as one Job made
 * from its job template (kubectl create job --from=cronjob/NAME): the
 * CronJob, and any ConfigMap it mounts, are never applied, changed or deleted.
 */
export async function runRun(opts: RunCommandOptions, io: CliIo): Promise<number> {
  const rendered = await checkAndRender({ paths: [opts.script], namespace: opts.namespace ?? null, image: opts.image, kind: opts.kind, runtime: opts.runtime, templates: opts.templates, config: opts.config, quiet: opts.quiet, nixVersion: opts.nixVersion }, io);
  if (!rendered) return EXIT.problems;
  const s = rendered[0];
  if (!s || rendered.length !== 1) throw new UsageError(`${opts.script}: run takes one script`, 'name one script file');
  const { checkKinds } = await import('../../cluster/kinds.js');
  checkKinds(s.path, s.objects());
  // stdout's reader went away (`| head -1`): nothing more to show, so the run is cancelled (and cleaned up).
  const closed = new AbortController();
  const life = lifetime(io.signal, opts.timeoutMs, closed.signal);
  const api = await openCluster(opts, io, life);
  const name = `${s.name.slice(0, 56)}-${randomBytes(3).toString('hex').slice(0, 5)}`;
  const kind = s.workload().kind === 'Pod' ? 'Pod' : 'Job';
  // Nothing more can be shown once stdout is gone or fails (a full disk): the run is cancelled and cleaned up, and the failed write reported (exit 2).
  const stdoutGone = (): void => {
    if (io.stdoutClosed()) closed.abort('stdout-closed');
    else if (io.stdoutFailed?.() === true) closed.abort('stdout-failed');
  };
  const watch = setInterval(stdoutGone, 100);
  let left: string[] = [];
  let code: number;
  // The kinds whose apply was sent and not refused: only those can exist, so only those are cleaned up.
  const sent = new Set<string>();
  try {
    code = await applyAndFollow(api, s, name, opts, io, life.signal, stdoutGone, sent);
  } finally {
    clearInterval(watch);
    if (!opts.keep && sent.size > 0) left = await cleanup(api, kind, name, io, life.signal, sent);
    api.close();
  }
  if (opts.keep) io.stderr(`kept ${s.configMap() ? `configmap/${name} and ` : ''}${kind.toLowerCase()}/${name}\n`);
  return left.length > 0 ? EXIT.cluster : code;
}

/** The objects of one run, named `name`: the ConfigMap (none with runtime image), and the Pod or Job mounting it, with ARGS passed to the script. */
async function runObjects(api: Api, s: RenderedScript, name: string, args: readonly string[]): Promise<Manifest[]> {
  const [{ podSpecOf }, { jobFromCronJob, liveUid }] = await Promise.all([import('../../cluster/kinds.js'), import('../../cluster/run-job.js')]);
  const cm0 = s.configMap();
  const work0 = s.workload();
  const cmName = cm0 ? String((cm0.metadata as { name?: unknown }).name) : s.name;
  const cm = cm0 ? (renamed(cm0, cmName, name) as Manifest) : null;
  let work = renamed(work0, cmName, name) as Manifest;
  work = { ...work, metadata: { ...(work.metadata as object), name } as Manifest };
  if (work.kind === 'CronJob') {
    const cronName = String((work0.metadata as { name?: unknown }).name);
    work = jobFromCronJob(work, cronName, name, api.conn.namespace, await liveUid(api, api.conn.namespace, cronName));
  }
  const spec = podSpecOf(work);
  if (args.length > 0 && spec?.containers?.[0]) spec.containers[0].args = [...(spec.containers[0].args ?? []), ...args];
  return cm ? [cm, work] : [work];
}

/** Apply both objects, follow the log, wait for the end: the script's exit code, or why there is none. */
/** Answers that mean the object was not stored: nothing of it to clean up. */
const NOT_CREATED = new Set<Explained['kind']>(['auth', 'forbidden', 'no-namespace', 'terminating', 'invalid', 'immutable', 'foreign', 'conflict', 'not-found']);

async function applyAndFollow(api: Api, s: RenderedScript, name: string, opts: RunCommandOptions, io: CliIo, signal: AbortSignal, stdoutGone: () => void, sent: Set<string>): Promise<number> {
  const [{ applyObject }, { waitForWork }] = await Promise.all([import('../../cluster/apply.js'), import('../../cluster/jobs.js')]);
  const ns = api.conn.namespace;
  const objects = await runObjects(api, s, name, opts.args);
  const last = objects[objects.length - 1] as Manifest;
  const what = `${String(last.kind).toLowerCase()}/${name}`;
  const settings: ApplySettings = { fieldManager: opts.fieldManager, force: false, dryRun: 'none', createNamespace: false, concurrency: 1, replace: false, command: 'run' };
  for (const o of objects) {
    const r = await applyObject(api, ns, o, settings, s.path);
    if (r.error && !NOT_CREATED.has(r.error.kind)) sent.add(String(o.kind));
    if (!r.error) sent.add(String(o.kind));
    // Cancelled by a signal: its exit code says which (130, 143, 141). By --timeout: an error.
    if (r.error?.kind === 'cancelled' && !isTimeout(signal.reason)) return EXIT.ok;
    if (r.error) return fail(io, r.error);
  }
  io.stderr(`${what} started in namespace ${ns}\n`);
  const onLog = (_script: string, line: string) => {
    io.stdout(`${line}\n`);
    stdoutGone();
  };
  const waited = await waitForWork(api, ns, [{ script: s.path, kind: String(last.kind), name }], { signal, onLog, onNote: (t) => io.stderr(`nixpod: warning: ${t}\n`) });
  if (waited.error) return fail(io, waited.error);
  // Cancelled: the exit code says by what (130, 143, 141).
  if (signal.aborted && !isTimeout(signal.reason)) return EXIT.ok;
  return exitOf(waited.outcomes[0], what, io);
}

function exitOf(outcome: PodOutcome | undefined, what: string, io: CliIo): number {
  if (!outcome || outcome.phase !== 'Succeeded') {
    const why = outcome?.reason ? `: ${outcome.reason}` : outcome?.phase === 'Failed' ? '' : ` within --timeout (still ${outcome?.phase ?? 'Unknown'})`;
    io.stderr(`${what} ${outcome?.phase === 'Failed' ? 'failed' : 'did not finish'}${why}\n${(outcome?.events ?? []).map((e) => `  event: ${e}\n`).join('')}`);
    return outcome?.exitCode ?? EXIT.problems;
  }
  return outcome.exitCode ?? EXIT.ok;
}

function fail(io: CliIo, e: Explained): number {
  io.stderr(formatError(e.message, e.hint));
  return EXIT.cluster;
}

/**
 * Delete what the run made (its Pod, or its Job and the Job's Pods, and its
 * ConfigMap; even if an apply failed half-way: it may have reached the
 * server) on a deadline of their own, since the command's signal may be what
 * ended the run. Returns what is left behind.
 */
async function cleanup(api: Api, kind: 'Pod' | 'Job', name: string, io: CliIo, signal: AbortSignal, sent: ReadonlySet<string>): Promise<string[]> {
  const [{ deleteAndWait }, { deleteJobAndPods }] = await Promise.all([import('../../cluster/apply.js'), import('../../cluster/run-job.js')]);
  const ns = api.conn.namespace;
  const work = `${kind.toLowerCase()}/${name}`;
  if (signal.aborted && !isTimeout(signal.reason)) io.stderr(`nixpod: ${describeAbort(signal.reason)}: deleting ${work} and configmap/${name}\n`);
  const own = { timeoutMs: 30_000, signal: cleanupDeadline(40_000), done: 'deleted' as const };
  const workSent = sent.has(kind) || sent.has('CronJob');
  const made = [...(workSent ? [work] : []), ...(sent.has('ConfigMap') ? [`configmap/${name}`] : [])];
  // A second Ctrl-C ends the process at once: it still says what it may leave behind.
  io.lastWords?.(formatError(`stopped while cleaning up: ${made.join(' and ')} may be left behind in namespace ${ns}`, `check and delete them yourself: kubectl delete -n ${ns} ${made.join(' ')}`));
  const errors = new Map<string, Explained>();
  if (kind === 'Job' && workSent) for (const [k, e] of await deleteJobAndPods(api, ns, name, own)) errors.set(k, e);
  const [pod, cm] = await Promise.all([kind === 'Pod' && workSent ? deleteAndWait(api, 'Pod', ns, name, own) : undefined, sent.has('ConfigMap') ? deleteAndWait(api, 'ConfigMap', ns, name, own) : undefined]);
  if (pod) errors.set(work, pod);
  if (cm) errors.set(`configmap/${name}`, cm);
  io.lastWords?.(undefined);
  const left = [...errors.keys()];
  if (left.length > 0) {
    const why = [...new Set([...errors.values()].map((e) => e.message))].join('; ');
    // Unreachable, nixpod cannot tell whether a create it sent ever arrived: say so, not that something is there.
    const unknown = [...errors.values()].every((e) => e.kind === 'transport');
    const where = unknown ? `may be left behind in namespace ${ns} (the cluster could not be reached to see)` : `left behind in namespace ${ns}`;
    io.stderr(formatError(`could not clean up: ${left.join(' and ')} ${where}: ${why}`, `${unknown ? 'once the cluster is reachable, check and ' : ''}delete them yourself: kubectl delete -n ${ns} ${left.filter((l) => !l.startsWith('pods of')).join(' ')}`));
  }
  return left;
}
