import { setMaxListeners } from 'node:events';
import { abortableSleep, CancelledError, isTimeout, lifetime } from './cancel.js';
import { explainError, explainResponse, readJson, type Explained } from './explain.js';
import type { Api, ApiResponse } from './http.js';
import { followLog } from './logs.js';

/** How a Pod or Job ended, or why it is stuck. */
export interface PodOutcome {
  script: string;
  /** What ended or is stuck: a Pod unless said (a Job: jobs.ts). */
  kind?: 'Job';
  name: string;
  phase: 'Succeeded' | 'Failed' | 'Pending' | 'Running' | 'Unknown' | 'Gone';
  exitCode: number | null;
  /** Why it failed or is stuck (ImagePullBackOff, OOMKilled, Unschedulable, DeadlineExceeded, Evicted, exit code …). */
  reason: string | null;
  events: string[];
}

export const done = (o: PodOutcome | undefined) => o !== undefined && (o.phase === 'Succeeded' || o.phase === 'Failed' || o.phase === 'Gone');

export interface WaitOptions {
  /** The command's signal (SIGINT, SIGTERM, --timeout): the wait, and every log stream, end with it. */
  signal: AbortSignal;
  /** Stream each Pod's log, line by line, as soon as its container runs. */
  onLog?: ((script: string, line: string) => void) | undefined;
  /** Said on stderr: a log that cannot be followed, or may be incomplete. */
  onNote?: (text: string) => void;
  /** A log stream without bytes for this long is reconnected. */
  idleMs?: number;
  pollMs?: number;
}

export interface WaitResult {
  outcomes: PodOutcome[];
  /** The wait itself failed (the objects could not be listed): the outcomes are as last seen. */
  error?: Explained;
}

export interface Item {
  script: string;
  name: string;
}

/** What one polling round gets: the outcomes to update, and a way to start following a Pod's log (once per Pod). */
export interface Round {
  outcomes: Map<string, PodOutcome>;
  follow(pod: string, script: string, container: string, ended: () => boolean): void;
}

/** A LIST the wait needs was refused: the wait ends with the server's answer explained. */
class ListRefused extends Error {
  constructor(
    readonly response: ApiResponse,
    readonly action: string,
  ) {
    super(action);
  }
}

/** The items of a LIST, or ListRefused. */
export async function listItems<T>(api: Api, path: string, query: Record<string, string>, action: string, signal: AbortSignal): Promise<T[]> {
  const r = await api.send({ method: 'GET', path, query }, { signal });
  if (r.status !== 200) throw new ListRefused(r, action);
  return readJson<{ items?: T[] }>(r, action).items ?? [];
}

/**
 * The wait both kinds share: poll with `round` until every item is done, or
 * the signal ends the wait (the outcomes then say where each got to); the
 * log streams end with the wait; after a --timeout, the newest events of
 * each stuck item say why it is stuck (not after a Ctrl-C).
 */
export async function waitLoop(api: Api, namespace: string, what: 'Pods' | 'Jobs', items: readonly Item[], o: WaitOptions, initial: (i: Item) => PodOutcome, round: (r: Round) => Promise<void>): Promise<WaitResult> {
  const outcomes = new Map(items.map((i) => [i.name, initial(i)]));
  const streams: Promise<void>[] = [];
  const started = new Set<string>();
  const stop = new AbortController();
  const streamSignal = lifetime(o.signal, undefined, stop.signal).signal;
  setMaxListeners(0, streamSignal, o.signal);
  const follow: Round['follow'] = (pod, script, container, ended) => {
    if (!o.onLog || started.has(pod)) return;
    started.add(pod);
    streams.push(followLog(api, namespace, pod, { container, onLine: o.onLog.bind(undefined, script), onNote: o.onNote ?? (() => undefined), ended, signal: streamSignal, idleMs: o.idleMs ?? 60_000 }));
  };
  let error: Explained | undefined;
  try {
    for (;; await abortableSleep(o.pollMs ?? 250, o.signal)) {
      await round({ outcomes, follow });
      if (items.every((i) => done(outcomes.get(i.name)))) break;
    }
  } catch (e) {
    if (e instanceof ListRefused) error = explainResponse(e.response, `cannot follow the ${what}: ${e.action}`, namespace, { command: 'wait' });
    else if (!(e instanceof CancelledError)) error = explainError(e, `cannot follow the ${what}`, api.conn.server);
  }
  if (error) stop.abort('the wait failed');
  await Promise.all(streams);
  const result = items.map((i) => outcomes.get(i.name) as PodOutcome);
  if (!error && (!o.signal.aborted || isTimeout(o.signal.reason))) {
    const signal = AbortSignal.timeout(10_000);
    for (const out of result) if (!done(out)) out.events = await latestEvents(api, namespace, out.name, signal);
  }
  return { outcomes: result, ...(error ? { error } : {}) };
}

interface EventJson {
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  metadata?: { creationTimestamp?: string };
}

const eventTime = (e: EventJson): number => Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '') || 0;

/** The three newest events, oldest first (pure): the API lists them in no particular order. */
export function newestEvents(items: readonly EventJson[], n = 3): string[] {
  return [...items]
    .sort((a, b) => eventTime(a) - eventTime(b))
    .slice(-n)
    .map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`);
}

/** The newest events of an object, for saying why it is stuck (best effort, on its own short deadline). */
export async function latestEvents(api: Api, namespace: string, name: string, signal: AbortSignal): Promise<string[]> {
  try {
    const r = await api.send({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, query: { fieldSelector: `involvedObject.name=${name}` } }, { signal });
    return r.status === 200 ? newestEvents(readJson<{ items?: EventJson[] }>(r, 'list events').items ?? []) : [];
  } catch {
    return [];
  }
}
