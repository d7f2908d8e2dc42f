import type { Manifest } from '../core/render/manifests.js';
import { abortableSleep } from './cancel.js';
import { explainError, NotJsonError, explainResponse, POD_IMMUTABLE, type ExplainContext, type Explained } from './explain.js';
import type { Api, ApiResponse, RequestSpec } from './http.js';
import { objectPath } from './kinds.js';

export type DryRun = 'none' | 'client' | 'server';

export interface ApplySettings {
  fieldManager: string;
  force: boolean;
  dryRun: DryRun;
  createNamespace: boolean;
  concurrency: number;
  /** Delete and recreate a Pod whose spec changed (Pods are immutable). */
  replace: boolean;
  /** The command applying (for hints that name its flags): apply unless said. */
  command?: 'apply' | 'run';
}

const contextOf = (s: ApplySettings): ExplainContext => ({ command: s.command ?? 'apply', createNamespace: s.createNamespace, dryRun: s.dryRun });

/**
 * What existed before, to tell created / configured / unchanged: our
 * managedFields entries by `Kind/name`, or 'unreadable' when the user may not
 * get or list (server-side apply needs only create and patch): then 201 says
 * created and 200 configured.
 */
export type Prior = Map<string, string> | 'unreadable';

/** One line of output: `configmap/x created`. */
export interface ObjectResult {
  script: string | null;
  kind: string;
  name: string;
  namespace: string;
  action: 'created' | 'configured' | 'unchanged' | 'replaced' | 'deleted' | 'kept' | 'serverside-applied' | 'failed';
  dryRun: DryRun;
  /** Why a prune candidate was kept: `still mounted by job/x (running)`. */
  note?: string;
  error?: Explained;
}

export { objectPath };

export const describe = (kind: string, name: string): string => `${kind.toLowerCase()}/${name}`;

const nameOf = (o: Manifest): string => String((o.metadata as { name?: unknown }).name);

type ManagedFields = { manager?: string; operation?: string; time?: string; fieldsV1?: unknown }[];

type Live = { metadata?: { managedFields?: ManagedFields; generation?: number; resourceVersion?: string; labels?: unknown; annotations?: unknown }; spec?: Record<string, unknown> };

/**
 * What a no-op apply leaves alone: the field manager's own managedFields entry
 * (its time, to the second, and fields) and the generation, which any spec
 * change moves (a CronJob changed within the same second). The
 * resourceVersion only of a ConfigMap (no status, no generation): a kubelet
 * or controller writing the status of the others moves theirs. A Pod has no
 * generation (Kubernetes 1.24): its spec and its labels and annotations
 * themselves, but the node the scheduler binds it to.
 */
function fingerprint(live: Live | undefined, manager: string, kind: string): string | undefined {
  const meta = live?.metadata;
  const e = meta?.managedFields?.find((m) => m.manager === manager && m.operation === 'Apply');
  if (!e) return undefined;
  if (kind === 'Pod') return JSON.stringify([e.time, e.fieldsV1, { ...live?.spec, nodeName: undefined }, meta?.labels, meta?.annotations]);
  return JSON.stringify([e.time, e.fieldsV1, kind === 'ConfigMap' ? meta?.resourceVersion : meta?.generation]);
}

const fingerprintOf = (body: string, manager: string, kind: string): string | undefined => {
  try {
    return fingerprint(JSON.parse(body) as Live, manager, kind);
  } catch {
    return undefined;
  }
};

const isJson = (body: string): boolean => {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
};

/**
 * Server-side apply of one object, sent exactly as rendered (no typed model
 * in between to drop fields). What existed before (`prior`, else one GET)
 * tells created / configured / unchanged.
 */
export async function applyObject(api: Api, namespace: string, obj: Manifest, s: ApplySettings, script: string | null, prior?: Prior): Promise<ObjectResult> {
  const kind = String(obj.kind);
  const name = nameOf(obj);
  const ns = (obj.metadata as { namespace?: string }).namespace ?? namespace;
  const base = { script, kind, name, namespace: ns, dryRun: s.dryRun };
  if (s.dryRun === 'client') return { ...base, action: 'serverside-applied' };
  const what = describe(kind, name);
  const failed = (r: ApiResponse): ObjectResult => ({ ...base, action: 'failed', error: explainResponse(r, what, ns, contextOf(s)) });
  try {
    let before: string | undefined | 'unreadable';
    if (prior === 'unreadable') before = 'unreadable';
    else if (prior) before = prior.get(`${kind}/${name}`);
    else {
      const g = await api.send({ method: 'GET', path: objectPath(kind, ns, name) });
      if (g.status !== 200 && g.status !== 404 && g.status !== 403) return failed(g);
      before = g.status === 403 ? 'unreadable' : g.status === 200 ? fingerprintOf(g.body, s.fieldManager, kind) : undefined;
    }
    let r = await patch(api, kind, ns, name, obj, s);
    if (r.status === 422 && kind === 'Pod' && POD_IMMUTABLE.test(r.body)) {
      // A Pod of that name that nixpod did not make is never deleted, and not blamed on the settings.
      const owner = await podOwner(api, ns, name, obj, s);
      if (owner.foreign) return { ...base, action: 'failed', error: owner.foreign };
      if (s.replace) {
        if (s.dryRun === 'server') return { ...base, action: 'replaced' };
        // Only the Pod that was found to be nixpod's: one made anew meanwhile is not deleted.
        const gone = await deleteAndWait(api, kind, ns, name, { uid: owner.uid });
        if (gone) return { ...base, action: 'failed', error: gone };
        r = await patch(api, kind, ns, name, obj, s);
        if (r.status === 200 || r.status === 201) return { ...base, action: 'replaced' };
      }
    }
    if (r.status !== 200 && r.status !== 201) return failed(r);
    if (!isJson(r.body)) return { ...base, action: 'failed', error: explainError(new NotJsonError(r, what), what, api.conn.server) };
    if (r.status === 201) return { ...base, action: 'created' };
    const same = before !== undefined && before !== 'unreadable' && fingerprintOf(r.body, s.fieldManager, kind) === before;
    return { ...base, action: same ? 'unchanged' : 'configured' };
  } catch (e) {
    return { ...base, action: 'failed', error: explainError(e, what, api.conn.server) };
  }
}

/**
 * Whether the live Pod `name` is nixpod's to replace: applied before by this
 * field manager (an Apply entry), or labelled as nixpod's Pod of the same
 * script; else why not (`foreign`). A Pod that cannot be read is not deleted
 * either: its owner cannot be told. `uid`: the Pod found, the only one a
 * replace may delete.
 */
async function podOwner(api: Api, ns: string, name: string, obj: Manifest, s: ApplySettings): Promise<{ foreign?: Explained; uid?: string | undefined }> {
  const what = describe('Pod', name);
  const g = await api.send({ method: 'GET', path: objectPath('Pod', ns, name) });
  if (g.status === 404) return {};
  if (g.status !== 200 || !isJson(g.body)) {
    return { foreign: { kind: 'foreign', message: `${what}: the Pod exists with a different spec, and nixpod cannot read it to tell whether it made it (${g.status === 403 ? 'get pods is forbidden' : `HTTP ${g.status}`})`, hint: `nixpod replaces only Pods it can see are its own: allow get on pods, or delete it yourself (kubectl delete -n ${ns} ${what}) and re-run` } };
  }
  const meta = (JSON.parse(g.body) as { metadata?: { uid?: string; labels?: Record<string, string>; managedFields?: ManagedFields } }).metadata ?? {};
  if (meta.managedFields?.some((m) => m.manager === s.fieldManager && m.operation === 'Apply')) return { uid: meta.uid };
  const script = ((obj.metadata as { labels?: Record<string, string> }).labels ?? {})['nixpod.dev/script'];
  if (meta.labels?.['app.kubernetes.io/managed-by'] === 'nixpod' && script !== undefined && meta.labels['nixpod.dev/script'] === script) return { uid: meta.uid };
  const managers = [...new Set((meta.managedFields ?? []).map((m) => m.manager ?? '?'))];
  return {
    foreign: {
      kind: 'foreign',
      message: `${what}: a Pod of that name exists that nixpod did not make (its field managers: ${managers.join(', ') || 'none'}), with another spec: nixpod leaves it alone${s.replace ? " (--replace deletes only nixpod's own Pods)" : ''}`,
      hint: `if it is yours to replace, delete it yourself (kubectl delete -n ${ns} ${what}) and re-run; else give the script another name (#! nixpod name=…) or another namespace`,
    },
  };
}

function patch(api: Api, kind: string, ns: string, name: string, obj: Manifest, s: ApplySettings): Promise<ApiResponse> {
  return api.send({
    method: 'PATCH',
    path: objectPath(kind, ns, name),
    query: { fieldManager: s.fieldManager, force: s.force ? 'true' : undefined, dryRun: s.dryRun === 'server' ? 'All' : undefined, fieldValidation: 'Strict' },
    contentType: 'application/apply-patch+yaml',
    body: JSON.stringify(obj),
  });
}

export interface DeleteOptions {
  timeoutMs?: number;
  /** Instead of the command's signal: cleanup after a cancel runs on its own deadline. */
  signal?: AbortSignal;
  /** What a cancel stopped, in its message: `applied` (a --replace), or `deleted` (a clean-up). */
  done?: 'applied' | 'deleted';
  /** Delete only this object (its uid), not one made anew under the same name meanwhile. */
  uid?: string | undefined;
}

export interface DeleteRequestOptions {
  gracePeriodSeconds?: number | undefined;
  propagationPolicy?: 'Background' | undefined;
  dryRun?: boolean;
  /** Delete only the object that still has these (else 409). */
  preconditions?: { uid?: string | undefined; resourceVersion?: string | undefined } | undefined;
}

/**
 * A DELETE with its options in the query, and with preconditions in a body
 * as well: the server then reads every option from the body and none from
 * the query (a dry run in the query alone would delete for real).
 */
export function deleteRequest(kind: string, ns: string, name: string, o: DeleteRequestOptions): RequestSpec {
  const req: RequestSpec = { method: 'DELETE', path: objectPath(kind, ns, name), query: { gracePeriodSeconds: o.gracePeriodSeconds?.toString(), propagationPolicy: o.propagationPolicy, dryRun: o.dryRun === true ? 'All' : undefined } };
  if (!o.preconditions) return req;
  const body = { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: o.gracePeriodSeconds, propagationPolicy: o.propagationPolicy, ...(o.dryRun === true ? { dryRun: ['All'] } : {}), preconditions: o.preconditions };
  return { ...req, contentType: 'application/json', body: JSON.stringify(body) };
}

/** Delete, then wait until the object is gone (a Pod takes a moment). Returns an error, or undefined. */
export async function deleteAndWait(api: Api, kind: string, ns: string, name: string, o: DeleteOptions = {}): Promise<Explained | undefined> {
  const path = objectPath(kind, ns, name);
  const timeoutMs = o.timeoutMs ?? 60_000;
  const send = { signal: o.signal };
  try {
    // A Job's Pods go with it (the API's default for batch/v1 Jobs is to orphan them).
    const d = await api.send(deleteRequest(kind, ns, name, { gracePeriodSeconds: kind === 'Pod' ? 0 : undefined, propagationPolicy: kind === 'Job' || kind === 'CronJob' ? 'Background' : undefined, preconditions: o.uid !== undefined ? { uid: o.uid } : undefined }), send);
    if (d.status === 404) return undefined;
    if (d.status === 409 && o.uid !== undefined) return { kind: 'foreign', message: `${describe(kind, name)}: another object of that name was made while nixpod replaced it: nixpod leaves it alone`, hint: 'look at who made it (kubectl get -o yaml), then re-run' };
    if (d.status !== 200 && d.status !== 202) return explainResponse(d, describe(kind, name), ns);
    for (const end = Date.now() + timeoutMs; Date.now() < end; await abortableSleep(200, o.signal ?? api.signal)) {
      const g = await api.send({ method: 'GET', path }, send);
      if (g.status === 404) return undefined;
      // Deleted, but not allowed to watch it go: the delete was accepted, which is what we can know.
      if (g.status === 403) return undefined;
    }
  } catch (e) {
    return explainError(e, describe(kind, name), api.conn.server, o.done);
  }
  return { kind: 'other', message: `${describe(kind, name)} was not deleted within ${timeoutMs / 1000} s`, hint: 'check for finalizers on it' };
}

/** --create-namespace: apply the namespace when it does not exist. */
export async function ensureNamespace(api: Api, namespace: string, s: ApplySettings): Promise<ObjectResult | undefined> {
  const g = await api.send({ method: 'GET', path: objectPath('Namespace', '', namespace) });
  if (g.status === 200) return undefined;
  const r = await applyObject(api, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, s, null);
  // May neither read nor write namespaces (a user of one namespace): whether it exists is for
  // the objects' own applies to find out, and they say so if it does not.
  if (g.status === 403 && r.error?.kind === 'forbidden') return undefined;
  return r;
}

/** Run `fn` over `items`, at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Our managedFields entries of the objects nixpod manages in a namespace: one LIST per kind instead of a GET per object. */
export async function priorVersions(api: Api, namespace: string, kinds: readonly string[], manager: string): Promise<Map<string, string> | undefined> {
  const out = new Map<string, string>();
  for (const kind of kinds) {
    const r = await api.send({ method: 'GET', path: objectPath(kind, namespace), query: { labelSelector: 'app.kubernetes.io/managed-by=nixpod' } });
    // Not allowed to list (server-side apply needs only create and patch): each apply finds out by itself.
    if (r.status !== 200 || !isJson(r.body)) return undefined;
    for (const item of (JSON.parse(r.body) as { items?: (Live & { metadata?: { name?: string } })[] }).items ?? []) {
      const f = fingerprint(item, manager, kind);
      if (item.metadata?.name && f) out.set(`${kind}/${item.metadata.name}`, f);
    }
  }
  return out;
}
