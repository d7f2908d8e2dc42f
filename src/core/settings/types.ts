/**
 * Settings: how a script runs in the cluster, from `nixpod.yaml` (defaults and
 * `match` rules), from the script's own `#! nixpod` lines, and from flags.
 * Precedence, highest first: command-line flags (`-n`, `--image`, `--kind`),
 * the script's `#! nixpod` lines, the last matching `scripts:` rule, and so on
 * up to the config's `defaults:`, then nixpod's built-in defaults. Maps merge
 * by key; lists replace.
 */
export type WorkloadKind = 'pod' | 'job' | 'cronjob';

/** How the Pod gets the script's packages: nix-shell in nixos/nix (default), a Nixery image, or an image built by `nixpod image`. */
export type Runtime = 'nix-shell' | 'nixery' | 'image';

/** Where a value came from, for `file:line:col` diagnostics. */
export interface Origin {
  path: string;
  line: number;
  col: number;
}

/** One container env var, exactly as Kubernetes takes it (one of value / valueFrom). */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

export interface EnvFromSource {
  prefix?: string;
  secretRef?: { name: string; optional?: boolean };
  configMapRef?: { name: string; optional?: boolean };
}

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** A JSON value copied into the manifest as given (affinity, tolerations, securityContext). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The resolved settings of one script; absent keys mean "not set" (the template leaves the field out). */
export interface Settings {
  kind: WorkloadKind;
  /** The base of the object names, labels and -o file (default: from the file name). */
  name?: string;
  /** Put before the base (kustomize's namePrefix): one folder's nixpod.yaml keeps its scripts apart from another's. */
  namePrefix?: string;
  namespace?: string;
  image?: string;
  /** Added to every object's labels and annotations (nixpod's own keys win). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  env: EnvVar[];
  envFrom: EnvFromSource[];
  /** Arguments passed to the script. */
  args: string[];
  /** Opt-in: with it, the token is mounted (automountServiceAccountToken: true). */
  serviceAccountName?: string;
  resources?: ResourceRequirements;
  nodeSelector?: Record<string, string>;
  tolerations?: JsonValue[];
  affinity?: JsonValue;
  imagePullSecrets: string[];
  /** Pod-level and container-level securityContext. */
  podSecurityContext?: JsonValue;
  securityContext?: JsonValue;
  priorityClassName?: string;
  activeDeadlineSeconds?: number;
  /** Nix: a default nixpkgs pin (NIX_PATH `nixpkgs=…` unless the script pins its own; also for check --nix). */
  nixpkgs?: string;
  /** Nix settings (`substituters`, `trusted-public-keys`, …), set as the container's NIX_CONFIG. */
  nixConfig: Record<string, string>;
  /** How the Pod gets its packages (default nix-shell); see core/runtime. */
  runtime?: Runtime;
  /** With runtime nixery: the Nixery registry, `HOST[:PORT][/PREFIX]` (e.g. nixery.dev, nixery.dev/arm64). */
  nixery?: string;
  /** With runtime image: the repository the images of `nixpod image` are pushed to (`REPO:<hash>`). */
  registry?: string;
  /** The Nix version the image runs, when its tag does not say (custom images): decides how scripts are read. */
  nixVersion?: string;
  // Workload (Job and CronJob).
  schedule?: string;
  timeZone?: string;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  suspend?: boolean;
  startingDeadlineSeconds?: number;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  backoffLimit?: number;
  ttlSecondsAfterFinished?: number;
}

/** Settings with where each top-level key was last set (for diagnostics at the line that set it). */
export interface ResolvedSettings {
  settings: Settings;
  origins: Partial<Record<keyof Settings, Origin>>;
}

export const DEFAULT_SETTINGS: Settings = { kind: 'pod', labels: {}, annotations: {}, env: [], envFrom: [], args: [], imagePullSecrets: [], nixConfig: {} };
