import { NixpodError } from '../core/errors.js';
import type { Manifest } from '../core/render/manifests.js';

/**
 * The kinds nixpod sends, and where each lives in the REST API. A template
 * that renders anything else is refused before any request (see checkKinds):
 * nixpod would not know its path, how to wait for it, or how to prune it.
 */
interface KindInfo {
  apiVersion: string;
  plural: string;
  namespaced: boolean;
  /** The ApplySet group-kind (KEP-3659): `Kind.group`, or `Kind` for the core group. */
  groupKind: string;
}

const KINDS: Record<string, KindInfo> = {
  Namespace: { apiVersion: 'v1', plural: 'namespaces', namespaced: false, groupKind: 'Namespace' },
  ConfigMap: { apiVersion: 'v1', plural: 'configmaps', namespaced: true, groupKind: 'ConfigMap' },
  Pod: { apiVersion: 'v1', plural: 'pods', namespaced: true, groupKind: 'Pod' },
  Job: { apiVersion: 'batch/v1', plural: 'jobs', namespaced: true, groupKind: 'Job.batch' },
  CronJob: { apiVersion: 'batch/v1', plural: 'cronjobs', namespaced: true, groupKind: 'CronJob.batch' },
};

/** The workload kinds a script may render as its second object. */
export const WORKLOAD_KINDS = ['Pod', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Every kind an ApplySet of nixpod's holds, in the order prune lists them (workloads before the ConfigMaps they mount). */
export const MEMBER_KINDS = ['CronJob', 'Job', 'Pod', 'ConfigMap'] as const;

function info(kind: string): KindInfo {
  const k = KINDS[kind];
  // checkKinds refused any other kind before a request was made.
  if (!k) throw new Error(`no REST path for kind ${kind}`);
  return k;
}

export const groupKind = (kind: string): string => info(kind).groupKind;

/** `v1.ConfigMap`, `batch.v1.Job`: how kubectl diff names an object's version and kind. */
export const versionKind = (kind: string): string => `${info(kind).apiVersion.replace('/', '.')}.${kind}`;

/** `/api/v1/namespaces/ns/pods/name`, `/apis/batch/v1/namespaces/ns/jobs` … */
export function objectPath(kind: string, namespace: string, name?: string): string {
  const k = info(kind);
  const root = k.apiVersion === 'v1' ? '/api/v1' : `/apis/${k.apiVersion}`;
  const base = k.namespaced ? `${root}/namespaces/${encodeURIComponent(namespace)}/${k.plural}` : `${root}/${k.plural}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

const where = (o: Manifest): string => `${String(o.apiVersion)} ${String(o.kind)} ${String((o.metadata as { name?: unknown } | undefined)?.name)}`;

/**
 * Refuse, before any request, what nixpod cannot send: the first object must
 * be a v1 ConfigMap and the second a v1 Pod, a batch/v1 Job or a batch/v1
 * CronJob. `origin` names the script.
 */
export function checkKinds(origin: string, objects: readonly Manifest[]): void {
  // A prebuilt image (runtime image) carries the script: the workload comes alone.
  if (objects.length === 1) return checkWorkload(origin, objects[0]);
  const [cm, work] = objects;
  if (!cm || cm.kind !== 'ConfigMap' || cm.apiVersion !== 'v1') throw new NixpodError('usage', `${origin}: the first rendered object is ${cm ? where(cm) : 'missing'}, not a v1 ConfigMap`, HINT);
  checkWorkload(origin, work);
}

const HINT = 'render a v1 ConfigMap, then a v1 Pod, a batch/v1 Job or a batch/v1 CronJob (check your --templates)';

function checkWorkload(origin: string, work: Manifest | undefined): void {
  const k = work && KINDS[String(work.kind)];
  if (!work || !k || !(WORKLOAD_KINDS as readonly string[]).includes(String(work.kind)) || k.apiVersion !== work.apiVersion) {
    throw new NixpodError('usage', `${origin}: nixpod cannot apply ${work ? where(work) : 'a missing workload'}: unknown workload kind`, HINT);
  }
}

/** The Pod spec inside a workload: a Pod's own, a Job's template, a CronJob's job template. */
export function podSpecOf(work: Manifest): { volumes?: { configMap?: { name?: string }; projected?: { sources?: { configMap?: { name?: string } }[] } }[]; containers?: { name?: string; args?: string[] }[] } | undefined {
  type Spec = ReturnType<typeof podSpecOf>;
  const spec = work.spec as Record<string, unknown> | undefined;
  if (work.kind === 'Pod') return spec as Spec;
  if (work.kind === 'Job') return (spec?.template as { spec?: Spec } | undefined)?.spec;
  if (work.kind === 'CronJob') return ((spec?.jobTemplate as { spec?: { template?: { spec?: Spec } } } | undefined)?.spec?.template)?.spec;
  return undefined;
}

/** The ConfigMaps a Pod spec mounts (volumes and projected volumes), not guessed from names or labels. */
export function mountedConfigMaps(spec: ReturnType<typeof podSpecOf>): string[] {
  const out: string[] = [];
  for (const v of spec?.volumes ?? []) {
    if (v.configMap?.name) out.push(v.configMap.name);
    for (const s of v.projected?.sources ?? []) if (s.configMap?.name) out.push(s.configMap.name);
  }
  return out;
}
