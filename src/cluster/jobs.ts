import { objectPath } from './apply.js';
import type { Api } from './http.js';
import { podOutcome, waitForPods, type PodJson } from './pods.js';
import { done, listItems, waitLoop, type Item, type PodOutcome, type WaitOptions, type WaitResult } from './wait-loop.js';

export interface JobJson {
  metadata?: { name?: string; uid?: string };
  status?: { active?: number; conditions?: { type?: string; status?: string; reason?: string; message?: string }[] };
}

type JobPod = PodJson & { metadata?: { name?: string; creationTimestamp?: string; labels?: Record<string, string> } };

const finishedCondition = (job: JobJson) => job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

/**
 * How a Job ended, or why it is stuck (pure), from its conditions (the Job
 * controller's word) and its Pods, newest last: a failed Job says the
 * controller's reason (BackoffLimitExceeded, DeadlineExceeded) and how its
 * last Pod failed (the script's exit code).
 */
export function jobOutcome(script: string, name: string, job: JobJson | undefined, pods: readonly JobPod[]): PodOutcome {
  const base = { script, kind: 'Job' as const, name, events: [] };
  if (!job) return { ...base, phase: 'Gone', exitCode: null, reason: 'the Job was deleted' };
  const last = pods.map((p) => podOutcome(script, p.metadata?.name ?? '', p)).at(-1);
  const end = finishedCondition(job);
  if (end?.type === 'Complete') return { ...base, phase: 'Succeeded', exitCode: last?.exitCode ?? 0, reason: null };
  if (end) {
    const why = [`${end.reason ?? 'Failed'}${end.message ? `: ${end.message}` : ''}`, last?.reason].filter(Boolean).join('; ');
    return { ...base, phase: 'Failed', exitCode: last?.exitCode ?? null, reason: why };
  }
  // Not finished while a Pod failed: a retry is coming (backoffLimit), as far as the Job says.
  return { ...base, phase: last?.phase === 'Running' ? 'Running' : 'Pending', exitCode: null, reason: last && !done(last) ? last.reason : null };
}

const byAge = (a: JobPod, b: JobPod) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');

/** Pods of each Job: those labelled with its uid (the Job controller's controller-uid label), oldest first. */
async function jobPods(api: Api, namespace: string, uids: readonly string[], signal: AbortSignal): Promise<Map<string, JobPod[]>> {
  const out = new Map<string, JobPod[]>();
  for (const uid of uids) out.set(uid, (await listItems<JobPod>(api, objectPath('Pod', namespace), { labelSelector: `controller-uid=${uid}` }, 'list pods', signal)).sort(byAge));
  return out;
}

/**
 * Wait until every Job is Complete or Failed (its conditions), following its
 * Pods as they come (a retry is another Pod, with a log of its own).
 */
export function waitForJobs(api: Api, namespace: string, jobs: readonly Item[], o: WaitOptions): Promise<WaitResult> {
  // Each Pod as last seen, for its log stream to know when it has ended.
  const seen = new Map<string, JobPod>();
  const initial = (j: Item) => jobOutcome(j.script, j.name, {}, []);
  return waitLoop(api, namespace, 'Jobs', jobs, o, initial, async ({ outcomes, follow }) => {
    const items = await listItems<JobJson>(api, objectPath('Job', namespace), { labelSelector: 'app.kubernetes.io/managed-by=nixpod' }, 'list jobs', o.signal);
    const live = new Map(items.map((j) => [j.metadata?.name ?? '', j]));
    const pods = await jobPods(api, namespace, jobs.map((j) => live.get(j.name)?.metadata?.uid).filter((u): u is string => !!u), o.signal);
    for (const j of jobs) {
      const job = live.get(j.name);
      const own = pods.get(job?.metadata?.uid ?? '') ?? [];
      outcomes.set(j.name, jobOutcome(j.script, j.name, job, own));
      for (const p of own) {
        const name = p.metadata?.name ?? '';
        seen.set(name, p);
        if (podOutcome(j.script, name, p).phase === 'Pending') continue;
        const ended = () => done(podOutcome(j.script, name, seen.get(name))) || done(outcomes.get(j.name));
        follow(name, j.script, p.spec?.containers?.[0]?.name ?? 'main', ended);
      }
    }
  });
}

/** Pods and Jobs together: each followed its own way, the outcomes in the order asked. */
export async function waitForWork(api: Api, namespace: string, items: readonly { script: string; kind: string; name: string }[], o: WaitOptions): Promise<WaitResult> {
  const pods = items.filter((i) => i.kind === 'Pod');
  const jobs = items.filter((i) => i.kind === 'Job');
  const none: WaitResult = { outcomes: [] };
  const [p, j] = await Promise.all([pods.length > 0 ? waitForPods(api, namespace, pods, o) : none, jobs.length > 0 ? waitForJobs(api, namespace, jobs, o) : none]);
  const all = [...p.outcomes, ...j.outcomes];
  const outcomes = items.map((i) => all.find((x) => x.name === i.name && (x.kind ?? 'Pod') === i.kind) as PodOutcome);
  const error = p.error ?? j.error;
  return { outcomes, ...(error ? { error } : {}) };
}
