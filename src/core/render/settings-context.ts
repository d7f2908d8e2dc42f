import { DEFAULT_SETTINGS, type Runtime, type EnvFromSource, type EnvVar, type JsonValue, type ResolvedSettings, type ResourceRequirements, type Settings, type WorkloadKind } from '../settings/types.js';

/** The nixos/nix release the Pods run: an exact tag, never `latest`. */
export const DEFAULT_IMAGE = 'nixos/nix:2.29.0';

/** The flags that win over the settings (`-n`, `--image`, `--kind`); absent: the settings decide. */
export interface RenderOptions {
  image?: string | undefined;
  namespace: string | null;
  kind?: WorkloadKind | undefined;
  /** --runtime: wins over the settings (with its HOST or REPO, when given). */
  runtime?: { runtime: Runtime; nixery?: string; registry?: string } | undefined;
}

/** The label a controller's objects (a Job's Pods, a CronJob's Jobs) leave out: the controller manages them, not nixpod. */
export const MANAGED_BY = 'app.kubernetes.io/managed-by';

/** Every key of Settings, null where not set: a template can test any of them under strict mode. (nixVersion decides how scripts are read, not what is rendered.) */
export type SettingsView = { [K in Exclude<keyof Settings, 'nixVersion'>]-?: Exclude<Settings[K], undefined> | null };

/** The settings part of the template context: ready to write with `{{json …}}`. Documented in the README. */
export interface SettingsContext {
  kind: WorkloadKind;
  settings: SettingsView;
  env: EnvVar[];
  envFrom: EnvFromSource[];
  args: string[];
  resources: ResourceRequirements | null;
  serviceAccountName: string | null;
  automountServiceAccountToken: boolean;
  nodeSelector: Record<string, string> | null;
  tolerations: JsonValue[] | null;
  affinity: JsonValue | null;
  imagePullSecrets: { name: string }[];
  podSecurityContext: JsonValue | null;
  securityContext: JsonValue | null;
  priorityClassName: string | null;
  activeDeadlineSeconds: number | null;
  backoffLimit: number;
  ttlSecondsAfterFinished: number | null;
  schedule: string | null;
  timeZone: string | null;
  concurrencyPolicy: string;
  suspend: boolean;
  startingDeadlineSeconds: number | null;
  successfulJobsHistoryLimit: number | null;
  failedJobsHistoryLimit: number | null;
}

const VIEW_KEYS: (keyof Settings)[] = [
  'kind', 'namespace', 'image', 'labels', 'annotations', 'env', 'envFrom', 'args', 'serviceAccountName', 'resources', 'nodeSelector', 'tolerations', 'affinity',
  'imagePullSecrets', 'podSecurityContext', 'securityContext', 'priorityClassName', 'activeDeadlineSeconds', 'nixpkgs', 'nixConfig', 'schedule', 'timeZone',
  'runtime', 'nixery', 'registry', 'concurrencyPolicy', 'suspend', 'startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'backoffLimit', 'ttlSecondsAfterFinished',
];

/** The script's settings with the flags applied: `-n`, `--image` and `--kind` win. */
export function effectiveSettings(resolved: ResolvedSettings | undefined, opts: RenderOptions): Settings {
  const s: Settings = { ...(resolved?.settings ?? DEFAULT_SETTINGS) };
  if (opts.kind !== undefined) s.kind = opts.kind;
  s.image = opts.image ?? s.image ?? DEFAULT_IMAGE;
  if (opts.namespace !== null) s.namespace = opts.namespace;
  if (opts.runtime !== undefined) Object.assign(s, opts.runtime);
  return s;
}

/** Whether the script pins nixpkgs itself (`-I nixpkgs=…`): nixpod's default pin then stays out. */
export const pinsNixpkgs = (nixPath: readonly string[]): boolean => nixPath.some((p) => p.startsWith('nixpkgs='));

/** The Nix variables nixpod sets from `nixpkgs` and `nixConfig` (see README "Nix in the Pod"); `#! nix` scripts also get the flake features. */
export function nixEnv(s: Settings, pinned: boolean, flakes = false): EnvVar[] {
  const out: EnvVar[] = [];
  if (s.nixpkgs !== undefined && !pinned) out.push({ name: 'NIX_PATH', value: literal(`nixpkgs=${s.nixpkgs}`) });
  const config = flakes ? withFlakeFeatures(s.nixConfig) : s.nixConfig;
  const keys = Object.keys(config).sort();
  if (keys.length > 0) out.push({ name: 'NIX_CONFIG', value: literal(keys.map((k) => `${k} = ${config[k] as string}`).join('\n')) });
  return out;
}

/** The official image enables no experimental features: `nix shell` and flake references need these two, for this container only. */
const FLAKE_FEATURES = ['nix-command', 'flakes'];

/** nixConfig with `experimental-features` holding nix-command and flakes, after any the user set. */
export function withFlakeFeatures(nixConfig: Record<string, string>): Record<string, string> {
  const own = (nixConfig['experimental-features'] ?? '').split(/\s+/).filter((f) => f !== '');
  const features = [...own, ...FLAKE_FEATURES.filter((f) => !own.includes(f))];
  return { ...nixConfig, 'experimental-features': features.join(' ') };
}

/** Kubernetes expands `$(VAR)` and turns `$$` into `$` in env values: doubling every `$` keeps nixpod's values exact. */
function literal(value: string): string {
  return value.replaceAll('$', '$$$$');
}

/** nixpod's own keys first and winning, then the user's. */
export function withOwnKeys(own: Record<string, string>, user: Record<string, string>): Record<string, string> {
  const extra = Object.entries(user).filter(([k]) => !Object.hasOwn(own, k));
  return extra.length === 0 ? own : Object.fromEntries([...Object.entries(own), ...extra]);
}

export function settingsContext(s: Settings, pinned: boolean, flakes = false): SettingsContext {
  const view = Object.fromEntries(VIEW_KEYS.map((k) => [k, s[k] ?? null])) as SettingsView;
  return {
    kind: s.kind,
    settings: view,
    env: [...nixEnv(s, pinned, flakes), ...s.env],
    envFrom: s.envFrom,
    args: s.args,
    resources: nonEmpty(s.resources),
    serviceAccountName: s.serviceAccountName ?? null,
    // Opt-in: no service account named, no token in the Pod.
    automountServiceAccountToken: s.serviceAccountName !== undefined,
    nodeSelector: nonEmpty(s.nodeSelector),
    tolerations: s.tolerations && s.tolerations.length > 0 ? s.tolerations : null,
    affinity: s.affinity ?? null,
    imagePullSecrets: s.imagePullSecrets.map((name) => ({ name })),
    podSecurityContext: s.podSecurityContext ?? null,
    securityContext: s.securityContext ?? null,
    priorityClassName: s.priorityClassName ?? null,
    activeDeadlineSeconds: s.activeDeadlineSeconds ?? null,
    // Scripts are rarely idempotent: a failure is final unless retries are asked for.
    backoffLimit: s.backoffLimit ?? 0,
    ttlSecondsAfterFinished: s.ttlSecondsAfterFinished ?? null,
    schedule: s.schedule ?? null,
    timeZone: s.timeZone ?? null,
    // A run still going when the next is due is not doubled.
    concurrencyPolicy: s.concurrencyPolicy ?? 'Forbid',
    // false is Kubernetes' default: rendered only when true.
    suspend: s.suspend === true,
    startingDeadlineSeconds: s.startingDeadlineSeconds ?? null,
    successfulJobsHistoryLimit: s.successfulJobsHistoryLimit ?? null,
    failedJobsHistoryLimit: s.failedJobsHistoryLimit ?? null,
  };
}

function nonEmpty<T extends object>(v: T | undefined): T | null {
  return v !== undefined && Object.keys(v).length > 0 ? v : null;
}

/** What one script's settings give every script that shares them: computed once per settings object. */
export interface SettingsParts {
  settings: Settings;
  context: SettingsContext;
  /** What the name's hash covers of them (everything but the namespace), as UTF-8: encoded once, not per script. */
  hashed: Uint8Array;
}

/**
 * Per renderer: scripts with equal settings (under the same nixpod.yaml rules,
 * with no `#! nixpod` lines of their own) share one part of the context,
 * built and hashed once. `shared` hears of each such part (see placehold's memo).
 */
export function settingsCache(opts: RenderOptions, shared?: (o: object) => void): (resolved: ResolvedSettings | undefined, pinned: boolean, flakes?: boolean) => SettingsParts {
  const byObject = new WeakMap<ResolvedSettings, SettingsParts[]>();
  const byContent = new Map<string, SettingsParts[]>();
  return (resolved, pinned, flakes = false) => {
    let slots = resolved === undefined ? undefined : byObject.get(resolved);
    if (!slots) {
      // Equal settings in distinct objects (one per script) are found by content: one stringify, not a rebuild.
      const key = resolved === undefined ? '' : JSON.stringify(resolved.settings);
      slots = byContent.get(key);
      if (!slots) byContent.set(key, (slots = []));
      if (resolved !== undefined) byObject.set(resolved, slots);
    }
    // One slot per (pinned, flakes): both change the Nix env vars.
    const i = (pinned ? 1 : 0) + (flakes ? 2 : 0);
    let parts = slots[i];
    if (!parts) {
      const settings = effectiveSettings(resolved, opts);
      const context = settingsContext(settings, pinned, flakes);
      parts = { settings, context, hashed: Buffer.from(JSON.stringify({ ...context, settings: { ...context.settings, namespace: null } }), 'utf8') };
      shared?.(context);
      slots[i] = parts;
    }
    return parts;
  };
}
