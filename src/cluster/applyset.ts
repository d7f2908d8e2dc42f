import { createHash, randomBytes } from 'node:crypto';
import { NixpodError, UsageError } from '../core/errors.js';
import type { Manifest } from '../core/render/manifests.js';
import { objectPath } from './apply.js';
import { cleanupDeadline } from './cancel.js';
import { explainError, explainResponse, type Explained } from './explain.js';
import type { Api, ApiResponse } from './http.js';
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
 * the set (see PruneRun), or is refused. Without (a dry run, diff), another
 * run's hold is only reported (`heldBy`): a preview changes nothing.
 */
export async function claimParent(api: Api, name: string, namespace: string, version: string, hold?: Hold): Promise<Claimed> {
  const parent = applySetParent(name, namespace, version);
  const r = await api.send({ method: 'GET', path: objectPath('ConfigMap', namespace, name) });
  const now = serverNow(r);
  const live = r.status === 404 ? undefined : parentMeta(r, name, namespace);
  if (live) refuseForeignParent(live, name, namespace);
  const held = live && runOf(live);
  // A hold beyond the longest --timeout there is was not written by a run: it holds nothing.
  const heldBy = held && held.until > now && held.until <= now + MAX_HOLD_MS ? held : undefined;
  if (!hold) return { parent: live ? withVersion(parent, live) : parent, heldBy };
  if (heldBy) throw heldError(heldBy, name, namespace);
  const run = newRun(hold.ttlMs, now);
  // Said before the write is sent: whatever happens to it (a lost answer, a cancel), the caller lets this run's hold go.
  hold.started(run);
  const meta = parent.metadata as { annotations: Record<string, string> };
  const sent = live
    ? await api.send({ method: 'PATCH', path: objectPath('ConfigMap', namespace, name), query: { fieldManager: hold.fieldManager }, contentType: 'application/merge-patch+json', body: JSON.stringify({ metadata: { resourceVersion: live.resourceVersion, annotations: { [RUN_ANNOTATION]: runText(run) } } }) })
    : await api.send({ method: 'POST', path: objectPath('ConfigMap', namespace), query: { fieldManager: hold.fieldManager }, contentType: 'application/json', body: JSON.stringify({ ...parent, metadata: { ...meta, annotations: { ...meta.annotations, [RUN_ANNOTATION]: runText(run) } } }) });
  if (sent.status !== 409) return { parent: withVersion(parent, written(sent, name, namespace)), run };
  // A 409 is another run's write, or this one's own sent again after its answer was lost: the parent tells which.
  const again = await api.send({ method: 'GET', path: objectPath('ConfigMap', namespace, name) });
  const now2 = again.status === 404 ? undefined : parentMeta(again, name, namespace);
  if (now2 && runOf(now2)?.id === run.id) return { parent: withVersion(parent, now2), run };
  throw sameMoment(name);
}

/** What an apply --prune that changes the cluster holds the set with (see PruneRun). */
export interface Hold {
  ttlMs: number;
  fieldManager: string;
  /** Called with the run before its hold is written: from then on, the caller lets it go at the end, whatever happened. */
  started: (run: PruneRun) => void;
}

/** The longest --timeout (596 h) and a minute: a later `until` was not written by a run. */
const MAX_HOLD_MS = (596 * 3600 + 60) * 1000;

export interface Claimed {
  parent: Manifest;
  /** This run's hold on the set, when it took one. */
  run?: PruneRun;
  /** Another run's live hold, when this one took none (a preview). */
  heldBy?: PruneRun | undefined;
}

/**
 * One `apply --prune` of a set at a time. Two at once would each prune what
 * the other just applied (each sees the other's objects as no longer in the
 * set), and both would succeed. So a run writes its id into the parent before
 * it applies anything: by a merge patch carrying the resourceVersion it read,
 * or by creating the parent when there is none (of two runs that read the
 * same parent, or found none, one gets a 409 and is refused). It checks
 * before pruning that the parent still names it, and takes its id out again
 * when done. A run that died (SIGKILL, a lost machine) holds the set until
 * its `until` has passed: its --timeout, and a minute. Times are the API
 * server's (its Date header), not the machines' own clocks.
 */
export interface PruneRun {
  id: string;
  /** Epoch ms: after it, another run may take the set over. */
  until: number;
}

export const RUN_ANNOTATION = 'nixpod.dev/prune-run';

export const newRun = (ttlMs: number, now = Date.now()): PruneRun => ({ id: randomBytes(6).toString('hex'), until: now + ttlMs });

/** The annotation's value: `<id> until <ISO time>`. */
const runText = (run: PruneRun): string => `${run.id} until ${new Date(run.until).toISOString()}`;

/** The hold an annotation names; one that does not parse (written by hand) holds nothing and is overwritten. */
function runOf(live: LiveMeta): PruneRun | undefined {
  const m = /^([0-9a-f]+) until (\S+)$/.exec(live.annotations?.[RUN_ANNOTATION] ?? '');
  const until = m ? Date.parse(m[2] as string) : NaN;
  return m && !Number.isNaN(until) ? { id: m[1] as string, until } : undefined;
}

/** The API server's clock: holds are compared with it, not with each machine's own. */
function serverNow(r: ApiResponse): number {
  const t = Date.parse(r.headers.date ?? '');
  return Number.isNaN(t) ? Date.now() : t;
}

const withVersion = (parent: Manifest, live: LiveMeta): Manifest => (live.resourceVersion === undefined ? parent : ({ ...parent, metadata: { ...(parent.metadata as object), resourceVersion: live.resourceVersion } } as Manifest));

function heldError(held: PruneRun, name: string, namespace: string): NixpodError {
  return new NixpodError('cluster', `another nixpod apply --prune of this set is running (run ${held.id}, in configmap/${name}, the ApplySet parent, until ${new Date(held.until).toISOString()}): nothing was applied`, `wait for it to finish and re-run; if it died, its hold lapses at that time, or release it now: ${releaseCommand(name, namespace)}`);
}

/** A 409 on taking the hold: another run read the same parent (or found none) at the same moment. */
function sameMoment(name: string): NixpodError {
  return new NixpodError('cluster', `configmap/${name} (the ApplySet parent): another nixpod apply --prune of this set started at the same moment: nothing was applied`, 'wait for it to finish and re-run');
}

export const releaseCommand = (name: string, namespace: string): string => `kubectl annotate -n ${namespace} configmap/${name} ${RUN_ANNOTATION}-`;

function parentMeta(r: ApiResponse, name: string, namespace: string): LiveMeta {
  if (r.status !== 200) {
    const e = explainResponse(r, `configmap/${name} (the ApplySet parent): cannot read it`, namespace);
    throw new NixpodError('cluster', e.message, e.hint);
  }
  return (JSON.parse(r.body) as { metadata?: LiveMeta }).metadata ?? {};
}

function written(r: ApiResponse, name: string, namespace: string): LiveMeta {
  if (r.status !== 200 && r.status !== 201) {
    const e = explainResponse(r, `configmap/${name} (the ApplySet parent)`, namespace);
    throw new NixpodError('cluster', e.message, e.hint);
  }
  return (JSON.parse(r.body) as { metadata?: LiveMeta }).metadata ?? {};
}

/** Before pruning: why this run may not prune (another run took the set over, or the parent cannot be read), or undefined. */
export async function stillHeld(api: Api, name: string, namespace: string, run: PruneRun): Promise<Explained | undefined> {
  try {
    const r = await api.send({ method: 'GET', path: objectPath('ConfigMap', namespace, name) });
    const held = r.status === 404 ? undefined : runOf(parentMeta(r, name, namespace));
    if (held?.id === run.id) return undefined;
    const by = held ? `another nixpod apply --prune of this set (run ${held.id}) took it over` : 'it no longer names this run';
    return { kind: 'other', message: `not pruning: configmap/${name} (the ApplySet parent) changed while this run applied: ${by}`, hint: 'the objects this run applied stay, but another run may prune them: re-run the same command once no other apply --prune of the set runs' };
  } catch (e) {
    return e instanceof NixpodError ? { kind: 'other', message: e.message, hint: e.hint ?? '' } : explainError(e, `configmap/${name} (the ApplySet parent)`, api.conn.server);
  }
}

/**
 * Take this run's id out of the parent, if it is still there: a merge patch
 * with the resourceVersion read (read again after a 409: the patch may have
 * been this one's own, sent again after its answer was lost). On a deadline
 * of its own: the command's signal may be what ended the run. Returns why it
 * could not, or undefined.
 */
export async function releaseRun(api: Api, name: string, namespace: string, run: PruneRun, fieldManager: string): Promise<string | undefined> {
  const signal = cleanupDeadline(RELEASE_MS);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await api.send({ method: 'GET', path: objectPath('ConfigMap', namespace, name) }, { signal });
      if (r.status === 404) return undefined;
      const live = parentMeta(r, name, namespace);
      if (runOf(live)?.id !== run.id) return undefined;
      const body = { metadata: { resourceVersion: live.resourceVersion, annotations: { [RUN_ANNOTATION]: null } } };
      const p = await api.send({ method: 'PATCH', path: objectPath('ConfigMap', namespace, name), query: { fieldManager }, contentType: 'application/merge-patch+json', body: JSON.stringify(body) }, { signal });
      if (p.status !== 409) return p.status === 200 ? undefined : explainResponse(p, `configmap/${name}`, namespace).message;
    }
    return 'the parent kept changing';
  } catch (e) {
    return e instanceof NixpodError ? e.message : explainError(e, `configmap/${name}`, api.conn.server).message;
  }
}

const RELEASE_MS = 10_000;

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
