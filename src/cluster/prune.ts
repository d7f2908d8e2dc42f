import { deleteRequest, objectPath, describe, type DryRun, type ObjectResult } from './apply.js';
import { appendTo } from '../core/group.js';
import { PART_OF, requireMembers } from './applyset.js';
import { explainError, explainResponse, readJson } from './explain.js';
import type { Api, ApiResponse } from './http.js';
import { MEMBER_KINDS, mountedConfigMaps, podSpecOf } from './kinds.js';
import type { Manifest } from '../core/render/manifests.js';

const MANAGED = 'app.kubernetes.io/managed-by=nixpod';

interface Item {
  kind: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; ownerReferences?: { kind?: string; name?: string; controller?: boolean }[] };
  spec?: unknown;
  status?: { phase?: string; conditions?: { type?: string; status?: string }[] };
}

export interface Ref {
  kind: string;
  name: string;
}

/** A prune candidate as listed: deleted only if it is still that object, unchanged (see deleteMember). */
interface Listed extends Ref {
  uid?: string | undefined;
  resourceVersion?: string | undefined;
}

/** A list that failed: its answer goes with it, to be explained in the caller's terms. */
class ListError extends Error {
  constructor(readonly response: ApiResponse) {
    super('list failed');
  }
}

async function list(api: Api, kind: string, ns: string, labelSelector?: string): Promise<Item[]> {
  const r = await api.send({ method: 'GET', path: objectPath(kind, ns), query: { labelSelector } });
  if (r.status !== 200) throw new ListError(r);
  return (readJson<{ items?: Item[] }>(r, `list ${kind}`).items ?? []).map((i) => ({ ...i, kind }));
}

/** Made by a controller (a CronJob's Job, a Job's Pod): never ours to prune or report, its owner's deletion takes it. */
const controlledBy = (i: Item): Ref | undefined => {
  const o = i.metadata?.ownerReferences?.find((r) => r.controller);
  return o?.kind && o.name ? { kind: o.kind, name: o.name } : undefined;
};

/** The members of the set that this apply did not produce: what --prune deletes (before the safety check). */
export async function pruneCandidates(api: Api, namespace: string, id: string, keep: ReadonlySet<string>): Promise<Listed[]> {
  requireMembers(keep);
  const out: Listed[] = [];
  for (const kind of MEMBER_KINDS) {
    for (const item of await list(api, kind, namespace, `${PART_OF}=${id}`)) {
      const m = item.metadata ?? {};
      // Belt and braces: the server filtered by label and namespace already.
      if (m.labels?.[PART_OF] !== id || (m.namespace !== undefined && m.namespace !== namespace) || !m.name || controlledBy(item)) continue;
      if (!keep.has(`${kind}/${m.name}`)) out.push({ kind, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion });
    }
  }
  return out;
}

/** Why a Pod, Job or CronJob still needs its ConfigMap, or undefined when it is done with it (pure). */
export function stillUsing(i: Item): string | undefined {
  if (i.kind === 'Pod') return i.status?.phase === 'Succeeded' || i.status?.phase === 'Failed' ? undefined : (i.status?.phase ?? 'Pending').toLowerCase();
  if (i.kind === 'Job') return i.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ? undefined : 'running';
  return 'scheduled';
}

/**
 * Who still mounts each ConfigMap: every Pod and Job of the namespace that has
 * not finished, and every CronJob (its next Job would mount it), read from
 * their volumes, not their labels. What this prune deletes is no user (a Job's
 * Pods go with it).
 */
export async function configMapUsers(api: Api, namespace: string, deleting: readonly Ref[]): Promise<Map<string, string[]>> {
  const gone = new Set(deleting.map((d) => `${d.kind}/${d.name}`));
  const users = new Map<string, string[]>();
  for (const kind of ['Pod', 'Job', 'CronJob']) {
    for (const item of await list(api, kind, namespace)) {
      const name = item.metadata?.name ?? '';
      const owner = controlledBy(item);
      const why = stillUsing(item);
      if (!why || gone.has(`${kind}/${name}`) || (owner && gone.has(`${owner.kind}/${owner.name}`))) continue;
      for (const cm of mountedConfigMaps(podSpecOf(item as unknown as Manifest))) appendTo(users, cm, `${describe(kind, name)} (${why})`);
    }
  }
  return users;
}

/**
 * Delete the members this apply did not produce, workloads first, except a
 * ConfigMap some unfinished work still mounts: that one is kept (a later
 * prune deletes it once its users are done), and said as such.
 */
export async function prune(api: Api, namespace: string, id: string, keep: ReadonlySet<string>, dryRun: DryRun): Promise<ObjectResult[]> {
  requireMembers(keep);
  let candidates: Listed[];
  let users: Map<string, string[]>;
  try {
    candidates = await pruneCandidates(api, namespace, id, keep);
    users = candidates.some((c) => c.kind === 'ConfigMap') ? await configMapUsers(api, namespace, candidates.filter((c) => c.kind !== 'ConfigMap')) : new Map();
  } catch (e) {
    const error = e instanceof ListError ? explainResponse(e.response, 'list for --prune', namespace) : explainError(e, 'list for --prune', api.conn.server);
    return [{ script: null, kind: 'ApplySet', name: id, namespace, action: 'failed', dryRun, error }];
  }
  const results: ObjectResult[] = [];
  for (const c of candidates) {
    const base = { script: null, kind: c.kind, name: c.name, namespace, dryRun };
    const usedBy = c.kind === 'ConfigMap' ? users.get(c.name) : undefined;
    if (usedBy) results.push({ ...base, action: 'kept', note: `still mounted by ${usedBy.join(', ')}` });
    else if (dryRun === 'client') results.push({ ...base, action: 'deleted' });
    else results.push(await deleteMember(api, namespace, c, dryRun, base));
  }
  return results;
}

/**
 * Delete a candidate only if it is still the object listed, unchanged (its
 * uid and resourceVersion as preconditions): one that an apply of another set
 * took over meanwhile (the same script in two sets: names are the content's)
 * is kept, and said as such.
 */
async function deleteMember(api: Api, namespace: string, c: Listed, dryRun: DryRun, base: Omit<ObjectResult, 'action'>): Promise<ObjectResult> {
  try {
    const preconditions = c.uid !== undefined ? { uid: c.uid, resourceVersion: c.resourceVersion } : undefined;
    // Background: a Job's or CronJob's own Jobs and Pods go with it.
    const r = await api.send(deleteRequest(c.kind, namespace, c.name, { propagationPolicy: 'Background', dryRun: dryRun === 'server', preconditions }));
    if (r.status === 409 && preconditions) return { ...base, action: 'kept', note: 'changed since it was listed (applied again meanwhile, maybe by another set): not pruned' };
    return r.status === 200 || r.status === 202 || r.status === 404 ? { ...base, action: 'deleted' } : { ...base, action: 'failed', error: explainResponse(r, describe(c.kind, c.name), namespace) };
  } catch (e) {
    return { ...base, action: 'failed', error: explainError(e, describe(c.kind, c.name), api.conn.server) };
  }
}

/**
 * nixpod's objects in the namespace that belong to no ApplySet (applied
 * without --prune): reported, never deleted. Objects a controller made are
 * left out (their owner is what counts). Undefined when they cannot be listed.
 */
export async function findOrphans(api: Api, namespace: string): Promise<Ref[] | undefined> {
  try {
    const out: Ref[] = [];
    for (const kind of MEMBER_KINDS) {
      for (const item of await list(api, kind, namespace, `${MANAGED},!${PART_OF}`)) if (item.metadata?.name && !controlledBy(item)) out.push({ kind, name: item.metadata.name });
    }
    return out;
  } catch {
    return undefined;
  }
}

export { ListError };
