import { randomBytes } from 'node:crypto';
import { NixpodError } from '../core/errors.js';
import type { Manifest } from '../core/render/manifests.js';
import { objectPath } from './apply.js';
import { cleanupDeadline } from './cancel.js';
import { explainError, explainResponse, type Explained } from './explain.js';
import type { Api, ApiResponse } from './http.js';

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

export const newRun = (ttlMs: number, now: number): PruneRun => ({ id: randomBytes(6).toString('hex'), until: now + ttlMs });

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

export function heldError(held: PruneRun, name: string, namespace: string): NixpodError {
  return new NixpodError('cluster', `another nixpod apply --prune of this set is running (run ${held.id}, in configmap/${name}, the ApplySet parent, until ${new Date(held.until).toISOString()}): nothing was applied`, `wait for it to finish and re-run; if it died, its hold lapses at that time, or release it now: ${releaseCommand(name, namespace)}`);
}

/** A 409 on taking the hold: another run read the same parent (or found none) at the same moment. */
function sameMoment(name: string): NixpodError {
  return new NixpodError('cluster', `configmap/${name} (the ApplySet parent): another nixpod apply --prune of this set started at the same moment: nothing was applied`, 'wait for it to finish and re-run');
}

export const releaseCommand = (name: string, namespace: string): string => `kubectl annotate -n ${namespace} configmap/${name} ${RUN_ANNOTATION}-`;

/** The parent's metadata from an answer that should carry it (`ok`), else the answer explained as an error. */
function metaOf(r: ApiResponse, name: string, namespace: string, ok: readonly number[], doing = ''): LiveMeta {
  if (!ok.includes(r.status)) {
    const e = explainResponse(r, `configmap/${name} (the ApplySet parent)${doing}`, namespace);
    throw new NixpodError('cluster', e.message, e.hint);
  }
  return (JSON.parse(r.body) as { metadata?: LiveMeta }).metadata ?? {};
}

/** The run annotation set to `value` (null: taken out) by a merge patch that holds only if the parent is still as read. */
function patchHold(api: Api, name: string, namespace: string, live: LiveMeta, value: string | null, fieldManager: string, signal?: AbortSignal): Promise<ApiResponse> {
  const body = { metadata: { resourceVersion: live.resourceVersion, annotations: { [RUN_ANNOTATION]: value } } };
  return api.send({ method: 'PATCH', path: objectPath('ConfigMap', namespace, name), query: { fieldManager }, contentType: 'application/merge-patch+json', body: JSON.stringify(body) }, { signal });
}

/** Before pruning: why this run may not prune (another run took the set over, or the parent cannot be read), or undefined. */
export async function stillHeld(api: Api, name: string, namespace: string, run: PruneRun): Promise<Explained | undefined> {
  try {
    const { live } = await readParent(api, name, namespace);
    const held = live && runOf(live);
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
      const { live } = await readParent(api, name, namespace, signal);
      if (!live || runOf(live)?.id !== run.id) return undefined;
      const p = await patchHold(api, name, namespace, live, null, fieldManager, signal);
      if (p.status !== 409) return p.status === 200 ? undefined : explainResponse(p, `configmap/${name}`, namespace).message;
    }
    return 'the parent kept changing';
  } catch (e) {
    return e instanceof NixpodError ? e.message : explainError(e, `configmap/${name}`, api.conn.server).message;
  }
}

const RELEASE_MS = 10_000;

/** What an apply --prune that changes the cluster holds the set with (see PruneRun). */
export interface Hold {
  ttlMs: number;
  fieldManager: string;
  /** Called with the run before its hold is written: from then on, the caller lets it go at the end, whatever happened. */
  started: (run: PruneRun) => void;
}

/** The longest --timeout (596 h) and a minute: a later `until` was not written by a run. */
const MAX_HOLD_MS = (596 * 3600 + 60) * 1000;

/** Another run's hold that `live` names, or undefined: lapsed, unreadable, or beyond the longest --timeout there is (then not written by a run). */
export function liveHold(live: LiveMeta, now: number): PruneRun | undefined {
  const held = runOf(live);
  return held && held.until > now && held.until <= now + MAX_HOLD_MS ? held : undefined;
}

/** The parent's metadata (undefined: there is none), and the API server's time. */
export async function readParent(api: Api, name: string, namespace: string, signal?: AbortSignal): Promise<{ live: LiveMeta | undefined; now: number }> {
  const r = await api.send({ method: 'GET', path: objectPath('ConfigMap', namespace, name) }, { signal });
  return { live: r.status === 404 ? undefined : metaOf(r, name, namespace, [200], ': cannot read it'), now: serverNow(r) };
}

/**
 * Write `run`'s hold: a merge patch on the parent as read, or the parent
 * created with it. A 409 is another run's write, or this one's own sent
 * again after its answer was lost: the parent, read again, tells which.
 */
export async function writeHold(api: Api, parent: Manifest, live: LiveMeta | undefined, run: PruneRun, fieldManager: string): Promise<LiveMeta> {
  const meta = parent.metadata as { name: string; namespace: string; annotations: Record<string, string> };
  const { name, namespace } = meta;
  const sent = live
    ? await patchHold(api, name, namespace, live, runText(run), fieldManager)
    : await api.send({ method: 'POST', path: objectPath('ConfigMap', namespace), query: { fieldManager }, contentType: 'application/json', body: JSON.stringify({ ...parent, metadata: { ...meta, annotations: { ...meta.annotations, [RUN_ANNOTATION]: runText(run) } } }) });
  if (sent.status !== 409) return metaOf(sent, name, namespace, [200, 201]);
  const again = (await readParent(api, name, namespace)).live;
  if (again && runOf(again)?.id === run.id) return again;
  throw sameMoment(name);
}

export interface LiveMeta {
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
