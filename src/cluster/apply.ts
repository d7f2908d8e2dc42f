import type { Manifest } from '../core/render/manifests.js';
import { explainError, explainResponse, type Explained } from './explain.js';
import { sleep, type Api, type ApiResponse } from './http.js';

export type DryRun = 'none' | 'client' | 'server';

export interface ApplySettings {
  fieldManager: string;
  force: boolean;
  dryRun: DryRun;
  createNamespace: boolean;
  concurrency: number;
  /** Delete and recreate a Pod whose spec changed (Pods are immutable). */
  replace: boolean;
}

/** One line of output: `configmap/x created`. */
export interface ObjectResult {
  script: string | null;
  kind: string;
  name: string;
  namespace: string;
  action: 'created' | 'configured' | 'unchanged' | 'replaced' | 'deleted' | 'serverside-applied' | 'failed';
  dryRun: DryRun;
  error?: Explained;
}

const PLURAL: Record<string, string> = { ConfigMap: 'configmaps', Pod: 'pods', Namespace: 'namespaces' };

export function objectPath(kind: string, namespace: string, name?: string): string {
  const plural = PLURAL[kind] ?? `${kind.toLowerCase()}s`;
  const base = kind === 'Namespace' ? `/api/v1/${plural}` : `/api/v1/namespaces/${encodeURIComponent(namespace)}/${plural}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

export const describe = (kind: string, name: string): string => `${kind.toLowerCase()}/${name}`;

const nameOf = (o: Manifest): string => String((o.metadata as { name?: unknown }).name);

type ManagedFields = { manager?: string; operation?: string; time?: string; fieldsV1?: unknown }[];

/**
 * What a no-op apply leaves alone: the field manager's own managedFields entry
 * (its time and fields). Not the resourceVersion, which status updates change.
 */
function fingerprint(meta: { managedFields?: ManagedFields } | undefined, manager: string): string | undefined {
  const e = meta?.managedFields?.find((m) => m.manager === manager && m.operation === 'Apply');
  return e && JSON.stringify([e.time, e.fieldsV1]);
}

const fingerprintOf = (body: string, manager: string): string | undefined => {
  try {
    return fingerprint((JSON.parse(body) as { metadata?: { managedFields?: ManagedFields } }).metadata, manager);
  } catch {
    return undefined;
  }
};

/**
 * Server-side apply of one object, sent exactly as rendered (no typed model
 * in between to drop fields). A GET first tells created / configured / unchanged.
 */
export async function applyObject(api: Api, namespace: string, obj: Manifest, s: ApplySettings, script: string | null, prior?: Map<string, string>): Promise<ObjectResult> {
  const kind = String(obj.kind);
  const name = nameOf(obj);
  const ns = (obj.metadata as { namespace?: string }).namespace ?? namespace;
  const base = { script, kind, name, namespace: ns, dryRun: s.dryRun };
  if (s.dryRun === 'client') return { ...base, action: 'serverside-applied' };
  const what = describe(kind, name);
  try {
    // Our managedFields entry before: from one LIST for all objects (`prior`), else one GET.
    let before: string | undefined;
    if (prior) before = prior.get(`${kind}/${name}`);
    else {
      const g = await api.send({ method: 'GET', path: objectPath(kind, ns, name) });
      if (g.status !== 200 && g.status !== 404) return { ...base, action: 'failed', error: explainResponse(g, what, ns) };
      before = g.status === 200 ? fingerprintOf(g.body, s.fieldManager) : undefined;
    }
    let r = await patch(api, kind, ns, name, obj, s);
    if (r.status === 422 && s.replace && kind === 'Pod' && /pod updates may not change fields/.test(r.body)) {
      if (s.dryRun === 'server') return { ...base, action: 'replaced' };
      const gone = await deleteAndWait(api, kind, ns, name);
      if (gone) return { ...base, action: 'failed', error: gone };
      r = await patch(api, kind, ns, name, obj, s);
      if (r.status === 200 || r.status === 201) return { ...base, action: 'replaced' };
    }
    if (r.status !== 200 && r.status !== 201) return { ...base, action: 'failed', error: explainResponse(r, what, ns) };
    if (r.status === 201) return { ...base, action: 'created' };
    return { ...base, action: before !== undefined && fingerprintOf(r.body, s.fieldManager) === before ? 'unchanged' : 'configured' };
  } catch (e) {
    return { ...base, action: 'failed', error: explainError(e, what, api.conn.server) };
  }
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

/** Delete, then wait until the object is gone (a Pod takes a moment). Returns an error, or undefined. */
export async function deleteAndWait(api: Api, kind: string, ns: string, name: string, timeoutMs = 60_000): Promise<Explained | undefined> {
  const path = objectPath(kind, ns, name);
  const d = await api.send({ method: 'DELETE', path, query: { gracePeriodSeconds: kind === 'Pod' ? '0' : undefined } });
  if (d.status !== 200 && d.status !== 202 && d.status !== 404) return explainResponse(d, describe(kind, name), ns);
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(200)) {
    const g = await api.send({ method: 'GET', path });
    if (g.status === 404) return undefined;
  }
  return { kind: 'other', message: `${describe(kind, name)} was not deleted within ${timeoutMs / 1000} s`, hint: 'check for finalizers on it' };
}

/** --create-namespace: apply the namespace when it does not exist. */
export async function ensureNamespace(api: Api, namespace: string, s: ApplySettings): Promise<ObjectResult | undefined> {
  const g = await api.send({ method: 'GET', path: objectPath('Namespace', '', namespace) });
  if (g.status === 200) return undefined;
  return applyObject(api, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, s, null);
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

/** Our managedFields entries of the objects nixpod manages in a namespace, by `Kind/name`: one LIST per kind instead of a GET per object. */
export async function priorVersions(api: Api, namespace: string, kinds: readonly string[], manager: string): Promise<Map<string, string> | undefined> {
  const out = new Map<string, string>();
  for (const kind of kinds) {
    const r = await api.send({ method: 'GET', path: objectPath(kind, namespace), query: { labelSelector: 'app.kubernetes.io/managed-by=nixpod' } });
    if (r.status !== 200) return undefined;
    for (const item of (JSON.parse(r.body) as { items?: { metadata?: { name?: string; managedFields?: ManagedFields } }[] }).items ?? []) {
      const f = fingerprint(item.metadata, manager);
      if (item.metadata?.name && f) out.set(`${kind}/${item.metadata.name}`, f);
    }
  }
  return out;
}
