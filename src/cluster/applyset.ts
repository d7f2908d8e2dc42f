import { createHash } from 'node:crypto';
import type { Manifest } from '../core/render/manifests.js';
import { describe, objectPath, type DryRun, type ObjectResult } from './apply.js';
import { explainError, explainResponse } from './explain.js';
import type { Api } from './http.js';

/**
 * ApplySet (KEP-3659), so that kubectl understands the set too: a parent
 * ConfigMap labelled `applyset.kubernetes.io/id`, members labelled
 * `applyset.kubernetes.io/part-of` with the same id. Pruning deletes only
 * labelled members, only in the namespace, only of the kinds nixpod makes.
 */
export const ID_LABEL = 'applyset.kubernetes.io/id';
export const PART_OF = 'applyset.kubernetes.io/part-of';
const KINDS = ['ConfigMap', 'Pod'];

/** `applyset-<base64url(sha256(<name>.<namespace>.<kind>.<group>))>-v1`. */
export function applySetId(name: string, namespace: string): string {
  return `applyset-${createHash('sha256').update(`${name}.${namespace}.ConfigMap.`).digest('base64url')}-v1`;
}

export function applySetParent(name: string, namespace: string, version: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      labels: { [ID_LABEL]: applySetId(name, namespace) },
      annotations: { 'applyset.kubernetes.io/tooling': `nixpod/v${version}`, 'applyset.kubernetes.io/contains-group-kinds': KINDS.join(',') },
    },
  };
}

/** A member: the rendered object with the part-of label added. */
export function asMember(obj: Manifest, id: string): Manifest {
  const meta = (obj.metadata ?? {}) as { labels?: Record<string, string> };
  return { ...obj, metadata: { ...meta, labels: { ...(meta.labels ?? {}), [PART_OF]: id } } };
}

/** The `Kind/name` keys of what one apply produces: a ConfigMap and a Pod per script name. */
export function memberKeys(names: readonly string[]): Set<string> {
  return new Set(names.flatMap((n) => KINDS.map((k) => `${k}/${n}`)));
}

/** The members of the set that this apply did not produce: what --prune deletes. */
export async function pruneCandidates(api: Api, namespace: string, id: string, keep: ReadonlySet<string>): Promise<{ kind: string; name: string }[]> {
  const out: { kind: string; name: string }[] = [];
  for (const kind of KINDS) {
    const r = await api.send({ method: 'GET', path: objectPath(kind, namespace), query: { labelSelector: `${PART_OF}=${id}` } });
    if (r.status !== 200) throw Object.assign(new Error('list failed'), { response: r, kind });
    for (const item of (JSON.parse(r.body) as { items?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } }[] }).items ?? []) {
      const m = item.metadata ?? {};
      // Belt and braces: the server filtered by label and namespace already.
      if (m.labels?.[PART_OF] !== id || (m.namespace !== undefined && m.namespace !== namespace) || !m.name) continue;
      if (!keep.has(`${kind}/${m.name}`)) out.push({ kind, name: m.name });
    }
  }
  return out;
}

export async function prune(api: Api, namespace: string, id: string, keep: ReadonlySet<string>, dryRun: DryRun): Promise<ObjectResult[]> {
  let candidates: { kind: string; name: string }[];
  try {
    candidates = await pruneCandidates(api, namespace, id, keep);
  } catch (e) {
    const r = (e as { response?: Parameters<typeof explainResponse>[0] }).response;
    const error = r ? explainResponse(r, `list for --prune`, namespace) : explainError(e, 'list for --prune', api.conn.server);
    return [{ script: null, kind: 'ApplySet', name: id, namespace, action: 'failed', dryRun, error }];
  }
  const results: ObjectResult[] = [];
  for (const c of candidates) {
    const base = { script: null, kind: c.kind, name: c.name, namespace, dryRun };
    if (dryRun === 'client') {
      results.push({ ...base, action: 'deleted' });
      continue;
    }
    const r = await api.send({ method: 'DELETE', path: objectPath(c.kind, namespace, c.name), query: { dryRun: dryRun === 'server' ? 'All' : undefined, propagationPolicy: 'Background' } });
    results.push(r.status === 200 || r.status === 202 || r.status === 404 ? { ...base, action: 'deleted' } : { ...base, action: 'failed', error: explainResponse(r, describe(c.kind, c.name), namespace) });
  }
  return results;
}
