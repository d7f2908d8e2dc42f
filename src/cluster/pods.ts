import { setMaxListeners } from 'node:events';
import { objectPath } from './apply.js';
import { abortableSleep, CancelledError, isTimeout, lifetime } from './cancel.js';
import { explainError, explainResponse, readJson, type Explained } from './explain.js';
import type { Api } from './http.js';
import { followLog } from './logs.js';

/** How a Pod ended, or why it is stuck. */
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

export interface PodJson {
  metadata?: { name?: string };
  spec?: { containers?: { name?: string }[] };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
    containerStatuses?: { name?: string; state?: { waiting?: { reason?: string; message?: string }; terminated?: { exitCode?: number; reason?: string } } }[];
  };
}

/** The outcome as far as the status says (pure). A Pod missing from a list that succeeded was deleted. */
export function podOutcome(script: string, name: string, pod: PodJson | undefined): PodOutcome {
  if (!pod) return { script, name, phase: 'Gone', exitCode: null, reason: 'the Pod was deleted', events: [] };
  const st = pod.status ?? {};
  const phase = (['Succeeded', 'Failed', 'Pending', 'Running'].includes(st.phase ?? '') ? st.phase : 'Unknown') as PodOutcome['phase'];
  const container = pod.spec?.containers?.[0]?.name;
  const c = (st.containerStatuses?.find((x) => x.name === container) ?? st.containerStatuses?.[0])?.state;
  const exitCode = c?.terminated?.exitCode ?? null;
  let reason: string | null = null;
  if (st.reason === 'Evicted' || st.reason === 'DeadlineExceeded') reason = `${st.reason}${st.message ? `: ${st.message}` : ''}`;
  else if (c?.terminated && (c.terminated.reason === 'OOMKilled' || exitCode !== 0)) reason = c.terminated.reason === 'OOMKilled' ? 'OOMKilled: the script ran out of memory' : `the script exited with code ${exitCode}`;
  else if (c?.waiting?.reason && c.waiting.reason !== 'ContainerCreating') reason = `${c.waiting.reason}${c.waiting.message ? `: ${c.waiting.message}` : ''}`;
  else {
    const unsched = st.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False');
    if (unsched) reason = `${unsched.reason ?? 'Unschedulable'}${unsched.message ? `: ${unsched.message}` : ''}`;
  }
  return { script, name, phase, exitCode, reason, events: [] };
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
  /** The wait itself failed (the Pods could not be listed): the outcomes are as last seen. */
  error?: Explained;
}

/**
 * Wait until every Pod has Succeeded or Failed, or the signal ends the wait
 * (the outcomes then say where each Pod got to), one LIST per round for all
 * of them; with `onLog`, follow each Pod's log (supervised: see logs.ts).
 */
export async function waitForPods(api: Api, namespace: string, pods: readonly { script: string; name: string }[], o: WaitOptions): Promise<WaitResult> {
  const outcomes = new Map<string, PodOutcome>(pods.map((p) => [p.name, podOutcome(p.script, p.name, { status: { phase: 'Pending' } })]));
  const streams: Promise<void>[] = [];
  const stop = new AbortController();
  const streamSignal = lifetime(o.signal, undefined, stop.signal).signal;
  setMaxListeners(0, streamSignal, o.signal);
  let error: Explained | undefined;
  try {
    for (const started = new Set<string>(); ; await abortableSleep(o.pollMs ?? 250, o.signal)) {
      const r = await api.send({ method: 'GET', path: objectPath('Pod', namespace), query: { labelSelector: 'app.kubernetes.io/managed-by=nixpod' } }, { signal: o.signal });
      if (r.status !== 200) {
        error = explainResponse(r, 'cannot follow the Pods: list pods', namespace, { command: 'wait' });
        break;
      }
      const byName = new Map((readJson<{ items?: PodJson[] }>(r, 'list pods').items ?? []).map((p) => [p.metadata?.name ?? '', p]));
      for (const p of pods) {
        const live = byName.get(p.name);
        const out = podOutcome(p.script, p.name, live);
        outcomes.set(p.name, out);
        if (o.onLog && !started.has(p.name) && out.phase !== 'Pending' && out.phase !== 'Gone') {
          started.add(p.name);
          const onLine = o.onLog.bind(undefined, p.script);
          const container = live?.spec?.containers?.[0]?.name ?? 'main';
          streams.push(followLog(api, namespace, p.name, { container, onLine, onNote: o.onNote ?? (() => undefined), ended: () => done(outcomes.get(p.name)), signal: streamSignal, idleMs: o.idleMs ?? 60_000 }));
        }
      }
      if (pods.every((p) => done(outcomes.get(p.name)))) break;
    }
  } catch (e) {
    if (!(e instanceof CancelledError)) error = explainError(e, 'cannot follow the Pods', api.conn.server);
  }
  if (error) stop.abort('the wait failed');
  await Promise.all(streams);
  const result = pods.map((p) => outcomes.get(p.name) as PodOutcome);
  // Why the stuck ones are stuck, when the --timeout ended the wait (not after a Ctrl-C).
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
