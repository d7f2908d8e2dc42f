import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SHARED } from './shared.js';

/**
 * A real kube-apiserver (1.24, ../shared/kube-apiserver) for the tests of what
 * a cluster decides: validation, server-side apply, conflicts, RBAC, ownership.
 * .ci/run starts it and sets NIXPOD_KUBE_DIR; elsewhere the first test that
 * needs it starts it (up.sh only prints the kubeconfig when it already runs).
 * Without ../shared the tests are skipped, unless NIXPOD_REQUIRE_KUBE=1.
 */
const UP = SHARED ? join(SHARED, 'kube-apiserver', 'up.sh') : '';
export const kubeSkip: string | false = process.env.NIXPOD_REQUIRE_KUBE === '1' || (UP !== '' && existsSync(UP)) ? false : 'no real kube-apiserver: NIXPOD_SHARED is not set (.ci/run sets it)';

export interface RealKube {
  dir: string;
  /** Kubeconfig of the admin user (bearer token). */
  kubeconfig: string;
  server: string;
  token: string;
  caFile: string;
  /** Client certificate and key of the same admin user. */
  certFile: string;
  keyFile: string;
}

let cached: RealKube | undefined;

export function realKube(): RealKube {
  if (cached) return cached;
  const dir = process.env.NIXPOD_KUBE_DIR ?? join(homedir(), '.cache', 'nixpod-kube', 'test');
  const up = spawnSync('bash', [UP, dir], { encoding: 'utf8', timeout: 120_000 });
  if (up.status !== 0) throw new Error(`kube-apiserver/up.sh failed (${up.status}): ${up.stderr}`);
  const kubeconfig = up.stdout.trim().split('\n').pop() ?? '';
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[]; users: { user: { token: string } }[] };
  cached = {
    dir,
    kubeconfig,
    server: doc.clusters[0]?.cluster.server ?? '',
    token: doc.users[0]?.user.token ?? '',
    caFile: join(dir, 'certs', 'ca.crt'),
    certFile: join(dir, 'certs', 'admin.crt'),
    keyFile: join(dir, 'certs', 'admin.key'),
  };
  return cached;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real kubectl against the real server. */
export function kubectl(kubeconfig: string, args: readonly string[], input?: string): KubectlResult {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function kubectlOk(kubeconfig: string, args: readonly string[], input?: string): string {
  const r = kubectl(kubeconfig, args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** A new namespace per test: deleted namespaces stay Terminating on this server (no controllers). */
export function newNamespace(kubeconfig: string, prefix = 't'): string {
  const ns = `${prefix}-${randomBytes(4).toString('hex')}`;
  kubectlOk(kubeconfig, ['create', 'namespace', ns]);
  return ns;
}

export function getJson<T = Record<string, unknown>>(kubeconfig: string, args: readonly string[]): T {
  return JSON.parse(kubectlOk(kubeconfig, ['get', ...args, '-o', 'json'])) as T;
}

/**
 * A kubeconfig for ServiceAccount `sa` in `ns`, allowed exactly `rules`
 * (Role + RoleBinding) and holding a token from `kubectl create token`.
 */
export function limitedKubeconfig(k: RealKube, ns: string, sa: string, rules: readonly { resources: string[]; verbs: string[] }[], file: string): string {
  kubectlOk(k.kubeconfig, ['-n', ns, 'create', 'serviceaccount', sa]);
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: sa, namespace: ns }, rules: rules.map((r) => ({ apiGroups: [''], ...r })) };
  const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: sa, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa }, subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns }] };
  kubectlOk(k.kubeconfig, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [role, binding] }));
  const token = kubectlOk(k.kubeconfig, ['-n', ns, 'create', 'token', sa]).trim();
  writeFileSync(file, kubeconfigFor(k, { token }, ns));
  return file;
}

/** A kubeconfig for the real server with the given user entry (token, client certificate, …). */
export function kubeconfigFor(k: RealKube, user: Record<string, unknown>, namespace?: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'real', cluster: { server: k.server, 'certificate-authority': k.caFile } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'real', context: { cluster: 'real', user: 'u', ...(namespace ? { namespace } : {}) } }],
    'current-context': 'real',
  });
}

/** Play the kubelet: write a Pod's status through the real pods/status subresource. */
export function setPodStatus(kubeconfig: string, ns: string, name: string, status: Record<string, unknown>): void {
  kubectlOk(kubeconfig, ['-n', ns, 'patch', 'pod', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

/** A terminated main container with this exit code: what the kubelet writes when a script ends. */
export function finishedStatus(exitCode: number): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    containerStatuses: [{ name: 'main', image: 'nixos/nix', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: now, finishedAt: now } } }],
  };
}

/**
 * Play the Job controller (the real server has none): create one Pod of a
 * Job as the controller would, with its labels (`controller-uid`,
 * `job-name`, and the template's) and a controller owner reference, and mark
 * the Job active. Returns the Pod's name.
 */
export function startJobPod(kubeconfig: string, ns: string, job: string): string {
  const j = getJson<{ metadata: { uid: string }; spec: { template: { metadata?: { labels?: Record<string, string> }; spec: unknown } } }>(kubeconfig, ['-n', ns, 'job', job]);
  const name = `${job.slice(0, 57)}-${randomBytes(3).toString('hex').slice(0, 5)}`;
  const labels = { ...(j.spec.template.metadata?.labels ?? {}), 'controller-uid': j.metadata.uid, 'job-name': job };
  const owner = { apiVersion: 'batch/v1', kind: 'Job', name: job, uid: j.metadata.uid, controller: true, blockOwnerDeletion: true };
  kubectlOk(kubeconfig, ['-n', ns, 'create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels, ownerReferences: [owner] }, spec: j.spec.template.spec }));
  setJobStatus(kubeconfig, ns, job, { startTime: new Date().toISOString(), active: 1 });
  return name;
}

/** Play the Job controller: write a Job's status through the real jobs/status subresource. */
export function setJobStatus(kubeconfig: string, ns: string, job: string, status: Record<string, unknown>): void {
  kubectlOk(kubeconfig, ['-n', ns, 'patch', 'job', job, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
}

/** A Job's end as the controller writes it: Complete, or Failed with a reason (BackoffLimitExceeded, DeadlineExceeded). */
export function finishedJob(outcome: 'Complete' | { reason: string; message: string }): Record<string, unknown> {
  const now = new Date().toISOString();
  if (outcome === 'Complete') return { active: 0, succeeded: 1, completionTime: now, conditions: [{ type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now }] };
  return { active: 0, failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: outcome.reason, message: outcome.message, lastProbeTime: now, lastTransitionTime: now }] };
}

/**
 * Play the CronJob controller: one scheduled Job of a CronJob, from its job
 * template as it is now, owned by it. Returns the Job's name.
 */
export function scheduleCronJob(kubeconfig: string, ns: string, cronJob: string): string {
  const c = getJson<{ metadata: { uid: string }; spec: { jobTemplate: { metadata?: { labels?: Record<string, string> }; spec: unknown } } }>(kubeconfig, ['-n', ns, 'cronjob', cronJob]);
  const name = `${cronJob.slice(0, 40)}-${Math.floor(Date.now() / 60_000)}`;
  const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: cronJob, uid: c.metadata.uid, controller: true, blockOwnerDeletion: true };
  kubectlOk(kubeconfig, ['-n', ns, 'create', '-f', '-'], JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, labels: c.spec.jobTemplate.metadata?.labels ?? {}, ownerReferences: [owner] }, spec: c.spec.jobTemplate.spec }));
  return name;
}
