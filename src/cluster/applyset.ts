import { createHash } from 'node:crypto';
import { NixpodError, UsageError } from '../core/errors.js';
import type { Manifest } from '../core/render/manifests.js';
import { describe, objectPath, type DryRun, type ObjectResult } from './apply.js';
import { explainError, explainResponse } from './explain.js';
import type { Api } from './http.js';

/**
 * ApplySet (KEP-3659), so that kubectl understands the set too: a parent
 * ConfigMap labelled `applyset.kubernetes.io/id`, members labelled
 * `applyset.kubernetes.io/part-of` with the same id. Pruning deletes only
 * labelled members, only in the namespace, only of the kinds nixpod makes,
 * only for a parent nixpod made (claimParent), and never with nothing to keep.
 */
export const ID_LABEL = 'applyset.kubernetes.io/id';
export const PART_OF = 'applyset.kubernetes.io/part-of';
export const TOOLING = 'applyset.kubernetes.io/tooling';
const TOOL = 'nixpod';
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
      annotations: { [TOOLING]: `${TOOL}/v${version}`, 'applyset.kubernetes.io/contains-group-kinds': KINDS.join(',') },
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

/** Refuse to prune with nothing rendered: keeping nothing would delete every member (kubectl: "no objects passed to apply"). */
export function requireMembers(keep: ReadonlySet<string>): void {
  if (keep.size > 0) return;
  throw new UsageError('--prune with no objects: no script was rendered, so pruning would delete every member of the set', 'name the files or folders that hold the scripts; nothing was applied or deleted');
}

/**
 * Read the parent before applying it, and refuse one nixpod did not make
 * (KEP-3659): another tool's tooling annotation, none at all (a plain
 * ConfigMap that happens to have the name), or another set's id. No flag
 * overrides this: --force-conflicts is about fields, not about who owns a set.
 * Returns the parent to apply, with the resourceVersion read as a
 * precondition, so that a parent changed meanwhile is not taken over either.
 */
export async function claimParent(api: Api, name: string, namespace: string, version: string): Promise<Manifest> {
  const parent = applySetParent(name, namespace, version);
  const what = `configmap/${name} (the ApplySet parent)`;
  const r = await api.send({ method: 'GET', path: objectPath('ConfigMap', namespace, name) });
  if (r.status === 404) return parent;
  if (r.status !== 200) {
    const e = explainResponse(r, `${what}: cannot read it`, namespace);
    throw new NixpodError('cluster', e.message, e.hint);
  }
  const live = ((JSON.parse(r.body) as { metadata?: LiveMeta }).metadata ?? {});
  refuseForeignParent(live, name, namespace);
  return live.resourceVersion === undefined ? parent : ({ ...parent, metadata: { ...(parent.metadata as object), resourceVersion: live.resourceVersion } } as Manifest);
}

interface LiveMeta {
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function refuseForeignParent(live: LiveMeta, name: string, namespace: string): void {
  const tooling = live.annotations?.[TOOLING];
  const id = live.labels?.[ID_LABEL];
  const where = `configmap/${name} in namespace "${namespace}"`;
  const hint = `nixpod will not take it over (--force-conflicts does not change that): pass --applyset NAME to keep nixpod's set in another parent ConfigMap`;
  if (tooling === undefined) {
    const is = id === undefined ? 'exists and is not an ApplySet parent' : 'is an ApplySet parent without an applyset.kubernetes.io/tooling annotation';
    throw new NixpodError('cluster', `${where} ${is}: --prune needs it as nixpod's ApplySet parent`, hint);
  }
  if (tooling.split('/')[0] !== TOOL) throw new NixpodError('cluster', `${where} is the ApplySet parent of another tool (applyset.kubernetes.io/tooling: ${tooling})`, hint);
  const want = applySetId(name, namespace);
  if (id !== want) throw new NixpodError('cluster', `${where} has the ApplySet id ${id ?? '(none)'}, not ${want}`, `${hint}, or fix its ${ID_LABEL} label`);
}

/** The members of the set that this apply did not produce: what --prune deletes. */
export async function pruneCandidates(api: Api, namespace: string, id: string, keep: ReadonlySet<string>): Promise<{ kind: string; name: string }[]> {
  requireMembers(keep);
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
  requireMembers(keep);
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
