import { NIX_SETTINGS } from '../shebang/nix-settings.js';
import { closestMatch } from '../suggest.js';
import type { ResourceRequirements, Settings } from './types.js';
import { checkAffinity } from './affinity.js';
import { checkCron } from './cron.js';
import { checkSysctls } from './sysctls.js';
import { parseEnv, parseEnvFrom } from './env.js';
import { bad, issue, isMap, ok, type Issue, type Parsed, type ValuePath } from './issues.js';
import { imageRepository, nixeryHost } from '../runtime/reference.js';
import { dnsLabel, dnsSubdomain, imageName, labelValue, qualifiedName, quantity, resourceName, timeZone } from './validate.js';
import { parseNixVersion } from '../shebang/nix-version.js';
import { bool, int, knownFields, listOf, objectWith, oneOf, str, stringMap, wrongType } from './values.js';

export type SettingKey = keyof Settings;
type Parser = (v: unknown, path?: ValuePath) => Parsed<unknown>;

const CONTAINER_SECURITY = ['allowPrivilegeEscalation', 'capabilities', 'privileged', 'procMount', 'readOnlyRootFilesystem', 'runAsGroup', 'runAsNonRoot', 'runAsUser', 'seLinuxOptions', 'seccompProfile', 'windowsOptions'];
const POD_SECURITY = ['fsGroup', 'fsGroupChangePolicy', 'runAsGroup', 'runAsNonRoot', 'runAsUser', 'seLinuxOptions', 'seccompProfile', 'supplementalGroups', 'sysctls', 'windowsOptions'];

function cron(v: unknown, path: ValuePath = []): Parsed<string> {
  if (typeof v !== 'string') return bad(wrongType(path, "a cron schedule such as '0 3 * * *'", v));
  const p = checkCron(v);
  return p ? bad(issue(path, 'bad-cron', `schedule '${v}': ${p.message}`, "five fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *' (or @daily, @hourly, …)")) : ok(v);
}

function resources(v: unknown, path: ValuePath = []): Parsed<ResourceRequirements> {
  if (!isMap(v)) return bad(wrongType(path, 'a map with requests and/or limits', v));
  const issues = knownFields(v, ['requests', 'limits'], path, 'resources');
  const out: ResourceRequirements = {};
  for (const part of ['requests', 'limits'] as const) {
    const m = v[part];
    if (m === undefined || m === null) continue; // `limits:` with nothing under it: not set
    if (!isMap(m)) {
      issues.push(wrongType([...path, part], 'a map of resource names to quantities', m));
      continue;
    }
    const got: Record<string, string> = {};
    for (const [name, q] of Object.entries(m)) {
      if (q === null) continue;
      const at = [...path, part, name];
      const rn = resourceName(name);
      const text = typeof q === 'number' ? String(q) : q;
      if (rn) issues.push(issue(at, 'bad-value', `resource '${name}' ${rn}`, undefined, { onKey: true }));
      else if (typeof text !== 'string') issues.push(wrongType(at, 'a quantity such as 500m or 256Mi', q));
      else if (quantity(text)) issues.push(issue(at, 'bad-quantity', `${part}.${name}: '${text}' ${quantity(text)}`, 'cpu: 500m or 2; memory: 256Mi or 1Gi (Ki, Mi, Gi are powers of 1024; k, M, G of 1000)'));
      else got[name] = text;
    }
    out[part] = got;
  }
  return ok(out, issues);
}

const TOLERATION_FIELDS = ['key', 'operator', 'value', 'effect', 'tolerationSeconds'];
const AFFINITY = ['nodeAffinity', 'podAffinity', 'podAntiAffinity'];
/** The fields nixpod checks inside structured settings (the schema test compares them with the JSON Schema). */
export const NESTED_FIELDS = { affinity: AFFINITY, podSecurityContext: POD_SECURITY, securityContext: CONTAINER_SECURITY, toleration: TOLERATION_FIELDS, resources: ['requests', 'limits'] };

const TOLERATION_OPS = ['Exists', 'Equal'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function toleration(v: unknown, path: ValuePath): Parsed<unknown> {
  if (!isMap(v)) return bad(wrongType(path, 'a map (a toleration)', v));
  const issues: Issue[] = knownFields(v, TOLERATION_FIELDS, path, 'a toleration');
  const enumAt = (k: string, values: string[]): void => {
    const r = v[k] === undefined || v[k] === '' ? undefined : oneOf(values)(v[k], [...path, k]);
    if (r) issues.push(...r.issues);
  };
  enumAt('operator', TOLERATION_OPS);
  enumAt('effect', EFFECTS);
  if (v.value !== undefined && v.value !== null && typeof v.value !== 'string') issues.push(wrongType([...path, 'value'], 'a string', v.value));
  if (v.operator === 'Exists' && v.value !== undefined && v.value !== null && v.value !== '') issues.push(issue([...path, 'value'], 'bad-value', "a toleration with operator Exists takes no value"));
  // Kubernetes: "effect must be 'NoExecute' when `tolerationSeconds` is set".
  if (v.tolerationSeconds !== undefined && v.effect !== 'NoExecute') issues.push(issue([...path, 'tolerationSeconds'], 'bad-value', 'tolerationSeconds is only for effect NoExecute (Kubernetes rejects it with any other effect)'));
  else if (v.tolerationSeconds !== undefined && !Number.isInteger(v.tolerationSeconds)) issues.push(issue([...path, 'tolerationSeconds'], 'bad-value', 'tolerationSeconds must be a whole number of seconds'));
  return ok(v, issues);
}

const ID_FIELDS = ['runAsUser', 'runAsGroup', 'fsGroup'];

/** A securityContext: known fields, user and group ids in Kubernetes' range, and no privileged container that may not escalate. */
function securityContextOf(fields: readonly string[], what: string): (v: unknown, path?: ValuePath) => Parsed<Record<string, unknown>> {
  const shape = objectWith(fields, what);
  return (v, path = []) => {
    const r = shape(v, path);
    if (!isMap(v)) return r;
    const issues: Issue[] = [];
    for (const k of ID_FIELDS) {
      const id = v[k];
      if (id !== undefined && !(Number.isInteger(id) && (id as number) >= 0 && (id as number) <= 2147483647)) issues.push(issue([...path, k], 'bad-value', `${k} must be a whole number from 0 to 2147483647`));
    }
    if (v.sysctls !== undefined) issues.push(...checkSysctls(v.sysctls, [...path, 'sysctls']));
    if (v.privileged === true && v.allowPrivilegeEscalation === false) issues.push(issue([...path, 'allowPrivilegeEscalation'], 'bad-value', 'a privileged container always may escalate: allowPrivilegeEscalation: false contradicts privileged: true (Kubernetes rejects it)'));
    return issues.length === 0 ? r : { ...r, issues: [...r.issues, ...issues] };
  };
}

function nixConfig(v: unknown, path: ValuePath = []): Parsed<Record<string, string>> {
  if (!isMap(v)) return bad(wrongType(path, 'a map of Nix settings (substituters, trusted-public-keys, …)', v));
  const out: Record<string, string> = {};
  const issues: Issue[] = [];
  const names = Object.keys(NIX_SETTINGS);
  for (const [k, x] of Object.entries(v)) {
    const at = [...path, k];
    const base = k.startsWith('extra-') ? k.slice(6) : k;
    if (NIX_SETTINGS[base] === undefined) {
      const close = closestMatch(k, names);
      issues.push(issue(at, 'unknown-nix-setting', `'${k}' is not a Nix 2.26 setting (Nix warns and ignores it)`, close !== undefined ? `did you mean '${close}'?` : undefined, { onKey: true, severity: 'warning' }));
    }
    const text = Array.isArray(x) && x.every((e) => typeof e === 'string') ? x.join(' ') : typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined;
    if (text === undefined) issues.push(wrongType(at, 'a string, number, true/false, or a list of strings', x));
    else if (/[\n\r]/.test(text)) issues.push(issue(at, 'bad-value', `the Nix setting '${k}' cannot span lines (NIX_CONFIG has one setting per line)`));
    else out[k] = text;
  }
  return ok(out, issues);
}

function pullSecret(v: unknown, path: ValuePath): Parsed<string> {
  const n = isMap(v) && Object.keys(v).length === 1 ? v.name : v;
  const p = isMap(v) && Object.keys(v).length === 1 ? [...path, 'name'] : path;
  return str('bad-name', dnsSubdomain)(n, p);
}

const labelKey = qualifiedName;

/** A structured value as the server reads it: a field set to null is not set (nixpod leaves it out of the manifest). */
function stripNulls<T>(v: T): T {
  if (Array.isArray(v)) return v.map(stripNulls) as T;
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, stripNulls(x)])) as T;
}

/** Room for '-' and the 10-hex content hash in a 63-character name. */
const BASE_MAX = 52;
function baseName(v: string): string | undefined {
  return v.length > BASE_MAX ? `must be at most ${BASE_MAX} characters (the name gets '-' and a 10-character hash)` : dnsLabel(v);
}
function namePrefix(v: string): string | undefined {
  return v === '' || (/^[a-z0-9][-a-z0-9]*$/.test(v) && v.length < BASE_MAX) ? undefined : "must be lowercase letters, digits and '-', starting with a letter or digit (e.g. prod-)";
}

/** Every key of nixpod.yaml's settings (the same names as Settings), and how its value is read. */
export const SETTING_PARSERS: Record<SettingKey, Parser> = {
  kind: oneOf(['pod', 'job', 'cronjob']),
  name: str('bad-name', baseName),
  namePrefix: str('bad-name', namePrefix),
  namespace: str('bad-name', dnsLabel),
  image: str('bad-value', imageName),
  labels: stringMap('bad-label', labelKey, labelValue),
  annotations: stringMap('bad-annotation', labelKey, undefined),
  env: parseEnv,
  envFrom: parseEnvFrom,
  args: listOf(str('bad-value'), 'strings'),
  serviceAccountName: str('bad-name', dnsSubdomain),
  resources,
  nodeSelector: stringMap('bad-label', labelKey, labelValue),
  tolerations: listOf(toleration, 'tolerations'),
  affinity: (v, path = []) => (isMap(v) ? ok(stripNulls(v), checkAffinity(v, path)) : bad(...checkAffinity(v, path))),
  imagePullSecrets: listOf(pullSecret, 'Secret names'),
  podSecurityContext: securityContextOf(POD_SECURITY, 'a Pod securityContext'),
  securityContext: securityContextOf(CONTAINER_SECURITY, 'a container securityContext'),
  priorityClassName: str('bad-name', dnsSubdomain),
  activeDeadlineSeconds: int(1),
  nixpkgs: str('bad-value', (v) => (v === '' || /\s/.test(v) ? 'must be a non-empty path or URL without spaces' : undefined)),
  nixConfig,
  runtime: oneOf(['nix-shell', 'nixery', 'image']),
  nixery: str('bad-value', nixeryHost),
  registry: str('bad-value', imageRepository),
  nixVersion: str('bad-value', (v) => (parseNixVersion(v) ? undefined : "must be a Nix version such as '2.18.1'")),
  schedule: cron,
  timeZone: str('bad-value', timeZone),
  concurrencyPolicy: oneOf(['Allow', 'Forbid', 'Replace']),
  suspend: bool,
  startingDeadlineSeconds: int(0),
  successfulJobsHistoryLimit: int(0),
  failedJobsHistoryLimit: int(0),
  backoffLimit: int(0),
  ttlSecondsAfterFinished: int(0),
};

export const SETTING_KEYS = Object.keys(SETTING_PARSERS) as SettingKey[];

export function isSettingKey(k: string): k is SettingKey {
  return Object.hasOwn(SETTING_PARSERS, k);
}
