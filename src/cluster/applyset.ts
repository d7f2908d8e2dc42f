import { createHash } from 'node:crypto';
import { NixpodError, UsageError } from '../core/errors.js';
import type { Manifest } from '../core/render/manifests.js';
import type { Api } from './http.js';
import { heldError, liveHold, newRun, readParent, writeHold, type Hold, type LiveMeta, type PruneRun } from './prune-hold.js';
import { groupKind, MEMBER_KINDS } from './kinds.js';

/**
 * ApplySet (KEP-3659), so that kubectl understands the set too: a parent
 * ConfigMap labelled `applyset.kubernetes.io/id`, members labelled
 * `applyset.kubernetes.io/part-of` with the same id. Pruning deletes only
 * labelled members, only in the namespace, only of the kinds nixpod makes,
 * only for a parent nixpod made (claimParent), and never with nothing to keep
 * (the deleting itself: prune.ts).
 */
export const ID_LABEL = 'applyset.kubernetes.io/id';
export const PART_OF = 'applyset.kubernetes.io/part-of';
export const TOOLING = 'applyset.kubernetes.io/tooling';
const TOOL = 'nixpod';

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
      annotations: { [TOOLING]: `${TOOL}/v${version}`, 'applyset.kubernetes.io/contains-group-kinds': MEMBER_KINDS.map(groupKind).sort().join(',') },
    },
  };
}

/** A member: the rendered object with the part-of label added. */
export function asMember(obj: Manifest, id: string): Manifest {
  const meta = (obj.metadata ?? {}) as { labels?: Record<string, string> };
  return { ...obj, metadata: { ...meta, labels: { ...(meta.labels ?? {}), [PART_OF]: id } } };
}

/** The `Kind/name` keys of what one apply produces (a workload's name need not be its ConfigMap's: a CronJob's is stable). */
export function memberKeys(objects: readonly Manifest[]): Set<string> {
  return new Set(objects.map((o) => `${String(o.kind)}/${String((o.metadata as { name?: unknown }).name)}`));
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
 *
 * With `hold` (an apply --prune that changes the cluster), the run also takes
 * the set (see prune-hold.ts), or is refused. Without (a dry run, diff), another
 * run's hold is only reported (`heldBy`): a preview changes nothing.
 */
export async function claimParent(api: Api, name: string, namespace: string, version: string, hold?: Hold): Promise<Claimed> {
  const parent = applySetParent(name, namespace, version);
  const { live, now } = await readParent(api, name, namespace);
  if (live) refuseForeignParent(live, name, namespace);
  const heldBy = live && liveHold(live, now);
  if (!hold) return { parent: live ? withVersion(parent, live) : parent, heldBy };
  if (heldBy) throw heldError(heldBy, name, namespace);
  const run = newRun(hold.ttlMs, now);
  // Said before the write is sent: whatever happens to it (a lost answer, a cancel), the caller lets this run's hold go.
  hold.started(run);
  return { parent: withVersion(parent, await writeHold(api, parent, live, run, hold.fieldManager)), run };
}

const withVersion = (parent: Manifest, live: LiveMeta): Manifest => (live.resourceVersion === undefined ? parent : ({ ...parent, metadata: { ...(parent.metadata as object), resourceVersion: live.resourceVersion } } as Manifest));

export interface Claimed {
  parent: Manifest;
  /** This run's hold on the set, when it took one. */
  run?: PruneRun;
  /** Another run's live hold, when this one took none (a preview). */
  heldBy?: PruneRun | undefined;
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
