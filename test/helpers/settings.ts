import { checkScript, type CheckedScript } from '../../src/core/check/script.js';
import { DEFAULT_SETTINGS, type ResolvedSettings, type Settings } from '../../src/core/settings/types.js';
import { pick, randomText } from './random.js';

/** Settings as helper D's loader will give them, set by hand: DEFAULT_SETTINGS with `over` on top. */
export function resolved(over: Partial<Settings>, origins: ResolvedSettings['origins'] = {}): ResolvedSettings {
  return { settings: { ...DEFAULT_SETTINGS, ...over }, origins };
}

/** A checked script with the given settings. */
export function withSettings(s: CheckedScript, over: Partial<Settings> | undefined, origins: ResolvedSettings['origins'] = {}): CheckedScript {
  return over === undefined ? s : { ...s, settings: resolved(over, origins) };
}

export function checked(path: string, text: string): CheckedScript {
  return checkScript({ path, bytes: new TextEncoder().encode(text), explicit: true });
}

/** Every setting set, to awkward values. */
export const RICH: Partial<Settings> = {
  kind: 'pod',
  namespace: 'team-a',
  image: 'registry.example/nix:1',
  labels: { team: 'data', 'example.com/tier': 'batch' },
  annotations: { 'example.com/owner': 'yes', note: 'a: b\nc' },
  env: [{ name: 'BUCKET', value: 'nightly' }, { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'pg-auth', key: 'password' } } }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
  envFrom: [{ secretRef: { name: 'common' } }, { prefix: 'CFG_', configMapRef: { name: 'cfg', optional: true } }],
  args: ['--verbose', 'on', ''],
  serviceAccountName: 'reporter',
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'batch', operator: 'Exists', effect: 'NoSchedule' }],
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } },
  imagePullSecrets: ['regcred'],
  podSecurityContext: { runAsNonRoot: false, fsGroup: 1000 },
  securityContext: { allowPrivilegeEscalation: false },
  priorityClassName: 'low',
  activeDeadlineSeconds: 3600,
  nixpkgs: 'https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz',
  nixConfig: { substituters: 'https://cache.example https://cache.nixos.org', 'trusted-public-keys': 'cache.example:abc= cache.nixos.org-1:6NCH=' },
  schedule: '0 3 * * *',
  timeZone: 'Europe/Berlin',
  concurrencyPolicy: 'Replace',
  suspend: true,
  startingDeadlineSeconds: 0,
  successfulJobsHistoryLimit: 0,
  failedJobsHistoryLimit: 5,
  backoffLimit: 2,
  ttlSecondsAfterFinished: 0,
};

const WORDS = ['a', 'on', 'yes', '0755', 'x: y', 'é', '', '$(HOME)', 'a\nb', '{{x}}'];

/** A random subset of settings with random (not necessarily valid for Kubernetes) values, for fast == slow. */
export function randomSettings(r: () => number): Partial<Settings> | undefined {
  if (r() < 0.2) return undefined;
  const out: Partial<Settings> = { kind: pick(r, ['pod', 'job', 'cronjob'] as const) };
  const keys = Object.keys(RICH) as (keyof Settings)[];
  for (const k of keys) {
    if (k === 'kind' || r() < 0.6) continue;
    (out as Record<string, unknown>)[k] = r() < 0.7 ? RICH[k] : randomValue(r, RICH[k]);
  }
  return out;
}

function randomValue(r: () => number, like: unknown): unknown {
  if (typeof like === 'string') return r() < 0.3 ? randomText(r) : pick(r, WORDS);
  if (typeof like === 'number') return pick(r, [0, 1, 7, 3600]);
  if (typeof like === 'boolean') return r() < 0.5;
  if (Array.isArray(like)) return like.length > 0 && typeof like[0] === 'string' ? [pick(r, WORDS), pick(r, WORDS)] : like.slice(0, 1 + Math.floor(r() * like.length));
  if (like !== null && typeof like === 'object') return Object.fromEntries(Object.keys(like).map((k) => [r() < 0.3 ? pick(r, WORDS) || 'k' : k, typeof (like as Record<string, unknown>)[k] === 'string' ? pick(r, WORDS) : (like as Record<string, unknown>)[k]]));
  return like;
}
