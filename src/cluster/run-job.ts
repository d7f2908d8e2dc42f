import type { Manifest } from '../core/render/manifests.js';
import type { Json } from '../core/render/yaml-emit.js';
import { deleteAndWait, objectPath, type DeleteOptions } from './apply.js';
import { explainError, explainResponse, readJson, type Explained } from './explain.js';
import type { Api } from './http.js';

/**
 * One Job from a CronJob's job template, as `kubectl create job
 * --from=cronjob/NAME` makes it: the template's labels and annotations, plus
 * `cronjob.kubernetes.io/instantiate: manual`, and, when the CronJob exists
 * in the cluster (`uid`), a controller reference to it (without
 * blockOwnerDeletion, as kubectl: that would need the cronjobs/finalizers
 * permission). Pure.
 */
export function jobFromCronJob(cronJob: Manifest, cronName: string, name: string, namespace: string, uid: string | undefined): Manifest {
  const tpl = ((cronJob.spec as { jobTemplate?: { metadata?: { labels?: Record<string, Json>; annotations?: Record<string, Json> }; spec?: Json } } | undefined)?.jobTemplate ?? {});
  const owner = uid === undefined ? {} : { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cronName, uid, controller: true }] };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace,
      // Made by nixpod itself, not by the CronJob controller: managed-by, so that waits and cleanups find it.
      labels: { ...(tpl.metadata?.labels ?? {}), 'app.kubernetes.io/managed-by': 'nixpod' },
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...(tpl.metadata?.annotations ?? {}) },
      ...owner,
    },
    spec: tpl.spec ?? {},
  };
}

/** The uid of the live CronJob, for the owner reference; undefined when it is not there (or may not be read). */
export async function liveUid(api: Api, namespace: string, name: string): Promise<string | undefined> {
  const r = await api.send({ method: 'GET', path: objectPath('CronJob', namespace, name) });
  return r.status === 200 ? readJson<{ metadata?: { uid?: string } }>(r, `cronjob/${name}`).metadata?.uid : undefined;
}

/**
 * Delete a Job of a run and its Pods: the Job with propagationPolicy
 * Background, then each Pod labelled `job-name=NAME` (the garbage collector
 * would, but may be slow or, on a bare API server, absent). Returns the
 * errors, by what was left behind.
 */
export async function deleteJobAndPods(api: Api, ns: string, name: string, o: DeleteOptions): Promise<Map<string, Explained>> {
  const left = new Map<string, Explained>();
  const job = await deleteAndWait(api, 'Job', ns, name, o);
  if (job) left.set(`job/${name}`, job);
  try {
    const r = await api.send({ method: 'GET', path: objectPath('Pod', ns), query: { labelSelector: `job-name=${name}` } }, { signal: o.signal });
    if (r.status !== 200) left.set(`pods of job/${name}`, explainResponse(r, `list the Pods of job/${name}`, ns, { command: 'run' }));
    else {
      for (const p of readJson<{ items?: { metadata?: { name?: string } }[] }>(r, 'list pods').items ?? []) {
        const pod = p.metadata?.name ?? '';
        const e = await deleteAndWait(api, 'Pod', ns, pod, o);
        if (e) left.set(`pod/${pod}`, e);
      }
    }
  } catch (e) {
    left.set(`pods of job/${name}`, explainError(e, `list the Pods of job/${name}`, api.conn.server));
  }
  return left;
}
