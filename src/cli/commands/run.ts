import { randomBytes } from 'node:crypto';
import type { Manifest } from '../../core/render/manifests.js';
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
 * code; both objects are deleted afterwards (and on Ctrl-C) unless --keep.
 */
export async function runRun(opts: RunCommandOptions, io: CliIo): Promise<number> {
  const rendered = await checkAndRender({ paths: [opts.script], namespace: opts.namespace ?? null, image: opts.image, templates: opts.templates }, io);
  if (!rendered) return EXIT.problems;
  const s = rendered[0];
  if (!s || rendered.length !== 1) throw new UsageError(`${opts.script}: run takes one script`, 'name one script file');
  const [{ applyObject, deleteAndWait }, { waitForPods }] = await Promise.all([import('../../cluster/apply.js'), import('../../cluster/pods.js')]);
  const api = await openCluster(opts, io);
  const conn = api.conn;
  const name = `${s.name.slice(0, 56)}-${randomBytes(3).toString('hex').slice(0, 5)}`;
  const [cm, pod] = s.objects().map((o) => renamed(o, s.name, name) as Manifest) as [Manifest, Manifest];
  const spec = pod.spec as { containers?: { args?: string[] }[] };
  if (opts.args.length > 0 && spec.containers?.[0]) spec.containers[0].args = [...(spec.containers[0].args ?? []), ...opts.args];
  const settings = { fieldManager: opts.fieldManager, force: false, dryRun: 'none' as const, createNamespace: false, concurrency: 1, replace: false };
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned || opts.keep) return;
    cleaned = true;
    await Promise.all([deleteAndWait(api, 'Pod', conn.namespace, name, 30_000), deleteAndWait(api, 'ConfigMap', conn.namespace, name, 30_000)]);
  };
  const onAbort = (): void => {
    io.stderr(`\ninterrupted (${String(io.signal.reason)}): deleting what was created…\n`);
    void cleanup();
  };
  io.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (const o of [cm, pod]) {
      const r = await applyObject(api, conn.namespace, o, settings, s.path);
      if (r.error) {
        io.stderr(formatError(r.error.message, r.error.hint));
        return EXIT.cluster;
      }
    }
    io.stderr(`pod/${name} started in namespace ${conn.namespace}\n`);
    const [outcome] = await waitForPods(api, conn.namespace, [{ script: s.path, name }], opts.timeoutMs, (_script, line) => io.stdout(`${line}\n`), io.signal);
    if (!outcome || outcome.phase !== 'Succeeded') {
      io.stderr(`pod/${name} ${outcome?.phase === 'Failed' ? 'failed' : 'did not finish'}${outcome?.reason ? `: ${outcome.reason}` : ''}\n`);
      return outcome?.exitCode ?? EXIT.problems;
    }
    return outcome.exitCode ?? EXIT.ok;
  } finally {
    await cleanup();
    api.close();
    if (opts.keep) io.stderr(`kept configmap/${name} and pod/${name}\n`);
  }
}
