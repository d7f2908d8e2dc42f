import { objectPath } from './apply.js';
import { sleep, type Api } from './http.js';

/** How a Pod ended, or why it is stuck. */
export interface PodOutcome {
  script: string;
  name: string;
  phase: 'Succeeded' | 'Failed' | 'Pending' | 'Running' | 'Unknown' | 'Gone';
  exitCode: number | null;
  /** Why it failed or is stuck (ImagePullBackOff, OOMKilled, Unschedulable, DeadlineExceeded, Evicted, exit code …). */
  reason: string | null;
  events: string[];
}

interface PodJson {
  metadata?: { name?: string };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
    containerStatuses?: { state?: { waiting?: { reason?: string; message?: string }; terminated?: { exitCode?: number; reason?: string } } }[];
  };
}

/** The outcome as far as the status says (pure). */
export function podOutcome(script: string, name: string, pod: PodJson | undefined): PodOutcome {
  if (!pod) return { script, name, phase: 'Gone', exitCode: null, reason: 'the Pod was deleted', events: [] };
  const st = pod.status ?? {};
  const phase = (['Succeeded', 'Failed', 'Pending', 'Running'].includes(st.phase ?? '') ? st.phase : 'Unknown') as PodOutcome['phase'];
  const c = st.containerStatuses?.[0]?.state;
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

const done = (o: PodOutcome) => o.phase === 'Succeeded' || o.phase === 'Failed' || o.phase === 'Gone';

/**
 * Wait until every Pod has Succeeded or Failed (or the timeout passes), one
 * LIST per round for all of them; with `onLog`, stream each Pod's log as soon
 * as its container runs, line by line.
 */
export async function waitForPods(api: Api, namespace: string, pods: readonly { script: string; name: string }[], timeoutMs: number, onLog?: (script: string, line: string) => void, signal?: AbortSignal): Promise<PodOutcome[]> {
  const outcomes = new Map<string, PodOutcome>();
  const streams = new Map<string, Promise<void>>();
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api.send({ method: 'GET', path: objectPath('Pod', namespace), query: { labelSelector: 'app.kubernetes.io/managed-by=nixpod' } });
    const items = r.status === 200 ? ((JSON.parse(r.body) as { items?: PodJson[] }).items ?? []) : [];
    const byName = new Map(items.map((p) => [p.metadata?.name ?? '', p]));
    for (const p of pods) {
      const o = podOutcome(p.script, p.name, byName.get(p.name));
      outcomes.set(p.name, o);
      if (onLog && !streams.has(p.name) && (o.phase === 'Running' || o.phase === 'Succeeded' || o.phase === 'Failed')) streams.set(p.name, followLog(api, namespace, p.name, (line) => onLog(p.script, line), signal));
    }
    if (pods.every((p) => done(outcomes.get(p.name) as PodOutcome)) || Date.now() > end || signal?.aborted) break;
    await sleep(250);
  }
  await Promise.all(streams.values());
  const result = pods.map((p) => outcomes.get(p.name) as PodOutcome);
  for (const o of result) if (!done(o)) o.events = await latestEvents(api, namespace, o.name);
  return result;
}

/** Follow one container's log to its end; a container that is still being created is asked again. */
async function followLog(api: Api, namespace: string, name: string, onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
  for (let attempt = 0; attempt < 240 && !signal?.aborted; attempt++) {
    const res = await api.open({ method: 'GET', path: `${objectPath('Pod', namespace, name)}/log`, query: { container: 'main', follow: 'true' } });
    if (res.statusCode !== 200) {
      res.resume();
      await sleep(250);
      continue;
    }
    let partial = '';
    const stop = (): void => void res.destroy();
    signal?.addEventListener('abort', stop, { once: true });
    res.setEncoding('utf8');
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) onLine(l);
      }
    } catch (e) {
      if (!signal?.aborted) throw e;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    if (partial !== '') onLine(partial);
    return;
  }
}

/** The newest events of a Pod, for saying why it is stuck (best effort). */
async function latestEvents(api: Api, namespace: string, name: string): Promise<string[]> {
  try {
    const r = await api.send({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, query: { fieldSelector: `involvedObject.name=${name}` } });
    if (r.status !== 200) return [];
    const items = (JSON.parse(r.body) as { items?: { reason?: string; message?: string; lastTimestamp?: string }[] }).items ?? [];
    return items.slice(-3).map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`);
  } catch {
    return [];
  }
}
