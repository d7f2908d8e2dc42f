import { objectPath } from './apply.js';
import type { Api } from './http.js';
import { done, listItems, waitLoop, type Item, type PodOutcome, type WaitOptions, type WaitResult } from './wait-loop.js';

export { done, latestEvents, newestEvents, type PodOutcome, type WaitOptions, type WaitResult } from './wait-loop.js';

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

/**
 * Wait until every Pod has Succeeded or Failed (see waitLoop), one LIST per
 * round for all of them; with `onLog`, follow each Pod's log once its
 * container runs (supervised: see logs.ts).
 */
export function waitForPods(api: Api, namespace: string, pods: readonly Item[], o: WaitOptions): Promise<WaitResult> {
  const initial = (p: Item) => podOutcome(p.script, p.name, { status: { phase: 'Pending' } });
  return waitLoop(api, namespace, 'Pods', pods, o, initial, async ({ outcomes, follow }) => {
    const items = await listItems<PodJson>(api, objectPath('Pod', namespace), { labelSelector: 'app.kubernetes.io/managed-by=nixpod' }, 'list pods', o.signal);
    const byName = new Map(items.map((p) => [p.metadata?.name ?? '', p]));
    for (const p of pods) {
      const live = byName.get(p.name);
      const out = podOutcome(p.script, p.name, live);
      outcomes.set(p.name, out);
      if (out.phase !== 'Pending' && out.phase !== 'Gone') follow(p.name, p.script, live?.spec?.containers?.[0]?.name ?? 'main', () => done(outcomes.get(p.name)));
    }
  });
}
