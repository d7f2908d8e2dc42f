import { randomBytes } from 'node:crypto';
import type { ApplySettings } from '../../cluster/apply.js';
import { describeAbort, isTimeout, lifetime } from '../../cluster/cancel.js';
import type { Explained } from '../../cluster/explain.js';
import type { Api } from '../../cluster/http.js';
import type { Manifest, RenderedScript } from '../../core/render/manifests.js';
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
 * that passes ARGS to it, stream its log, and exit with the script's own exit
 * code. Both objects are deleted afterwards, whatever ended the run (the
 * script, --timeout, SIGINT, SIGTERM, stdout's reader going away), unless
 * --keep; a delete that fails is an error naming what was left behind.
 */
export async function runRun(opts: RunCommandOptions, io: CliIo): Promise<number> {
  const rendered = await checkAndRender({ paths: [opts.script], namespace: opts.namespace ?? null, image: opts.image, kind: opts.kind, templates: opts.templates }, io);
  if (!rendered) return EXIT.problems;
  const s = rendered[0];
  if (!s || rendered.length !== 1) throw new UsageError(`${opts.script}: run takes one script`, 'name one script file');
  // stdout's reader went away (`| head -1`): nothing more to show, so the run is cancelled (and cleaned up).
  const closed = new AbortController();
  const life = lifetime(io.signal, opts.timeoutMs, closed.signal);
  const api = await openCluster(opts, io, life);
  const name = `${s.name.slice(0, 56)}-${randomBytes(3).toString('hex').slice(0, 5)}`;
  const watch = setInterval(() => io.stdoutClosed() && closed.abort('stdout-closed'), 100);
  let left: string[] = [];
  let code: number;
  try {
    code = await applyAndFollow(api, s, name, opts, io, life.signal, () => closed.abort('stdout-closed'));
  } finally {
    clearInterval(watch);
    if (!opts.keep) left = await cleanup(api, name, io, life.signal);
    api.close();
  }
  if (opts.keep) io.stderr(`kept configmap/${name} and pod/${name}\n`);
  return left.length > 0 ? EXIT.cluster : code;
}

/** Apply both objects, follow the log, wait for the end: the script's exit code, or why there is none. */
async function applyAndFollow(api: Api, s: RenderedScript, name: string, opts: RunCommandOptions, io: CliIo, signal: AbortSignal, stdoutGone: () => void): Promise<number> {
  const [{ applyObject }, { waitForPods }] = await Promise.all([import('../../cluster/apply.js'), import('../../cluster/pods.js')]);
  const ns = api.conn.namespace;
  const [cm, pod] = s.objects().map((o) => renamed(o, s.name, name) as Manifest) as [Manifest, Manifest];
  const spec = pod.spec as { containers?: { args?: string[] }[] };
  if (opts.args.length > 0 && spec.containers?.[0]) spec.containers[0].args = [...(spec.containers[0].args ?? []), ...opts.args];
  const settings: ApplySettings = { fieldManager: opts.fieldManager, force: false, dryRun: 'none', createNamespace: false, concurrency: 1, replace: false, command: 'run' };
  for (const o of [cm, pod]) {
    const r = await applyObject(api, ns, o, settings, s.path);
    if (r.error?.kind === 'cancelled') return EXIT.ok;
    if (r.error) return fail(io, r.error);
  }
  io.stderr(`pod/${name} started in namespace ${ns}\n`);
  const onLog = (_script: string, line: string) => {
    io.stdout(`${line}\n`);
    if (io.stdoutClosed()) stdoutGone();
  };
  const waited = await waitForPods(api, ns, [{ script: s.path, name }], { signal, onLog, onNote: (t) => io.stderr(`nixpod: warning: ${t}\n`) });
  if (waited.error) return fail(io, waited.error);
  // Cancelled: the exit code says by what (130, 143, 141).
  if (signal.aborted && !isTimeout(signal.reason)) return EXIT.ok;
  const outcome = waited.outcomes[0];
  if (!outcome || outcome.phase !== 'Succeeded') {
    const why = outcome?.reason ? `: ${outcome.reason}` : outcome?.phase === 'Failed' ? '' : ` within --timeout (still ${outcome?.phase ?? 'Unknown'})`;
    io.stderr(`pod/${name} ${outcome?.phase === 'Failed' ? 'failed' : 'did not finish'}${why}\n${(outcome?.events ?? []).map((e) => `  event: ${e}\n`).join('')}`);
    return outcome?.exitCode ?? EXIT.problems;
  }
  return outcome.exitCode ?? EXIT.ok;
}

function fail(io: CliIo, e: Explained): number {
  io.stderr(formatError(e.message, e.hint));
  return EXIT.cluster;
}

/**
 * Delete the Pod and the ConfigMap (both, even if an apply failed half-way:
 * it may have reached the server) on a deadline of their own, since the
 * command's signal may be what ended the run. Returns what is left behind.
 */
async function cleanup(api: Api, name: string, io: CliIo, signal: AbortSignal): Promise<string[]> {
  const { deleteAndWait } = await import('../../cluster/apply.js');
  const ns = api.conn.namespace;
  if (signal.aborted && !isTimeout(signal.reason)) io.stderr(`nixpod: ${describeAbort(signal.reason)}: deleting pod/${name} and configmap/${name}\n`);
  const own = { timeoutMs: 30_000, signal: AbortSignal.timeout(40_000) };
  const errors = await Promise.all([deleteAndWait(api, 'Pod', ns, name, own), deleteAndWait(api, 'ConfigMap', ns, name, own)]);
  const left = ['pod', 'configmap'].map((k) => `${k}/${name}`).filter((_, i) => errors[i] !== undefined);
  if (left.length > 0) {
    const why = errors.filter((e): e is Explained => e !== undefined).map((e) => e.message).join('; ');
    io.stderr(formatError(`could not clean up: ${left.join(' and ')} left behind in namespace ${ns}: ${why}`, `delete them yourself: kubectl delete -n ${ns} ${left.join(' ')}`));
  }
  return left;
}
