import type { Finding } from '../diagnostic.js';
import { colAt, type Word } from '../shebang/shellwords.js';
import { closestMatch } from '../suggest.js';
import type { Issue } from './issues.js';
import { SETTING_PARSERS, type SettingKey } from './keys.js';
import { emptyLayer, type Layer } from './layer.js';
import { wordFinding } from './script-lines.js';
import type { EnvVar, Origin } from './types.js';
import { parseEnv, parseEnvFrom } from './env.js';

/** `#! nixpod` words that set one scalar setting, by word key. */
const SCALARS: Record<string, SettingKey> = {
  kind: 'kind', name: 'name', 'name-prefix': 'namePrefix', namespace: 'namespace', image: 'image', nixpkgs: 'nixpkgs', 'nix-version': 'nixVersion', 'service-account': 'serviceAccountName',
  'priority-class': 'priorityClassName', 'active-deadline-seconds': 'activeDeadlineSeconds', schedule: 'schedule',
  'time-zone': 'timeZone', 'concurrency-policy': 'concurrencyPolicy', suspend: 'suspend',
  'starting-deadline-seconds': 'startingDeadlineSeconds', 'successful-jobs-history-limit': 'successfulJobsHistoryLimit',
  'failed-jobs-history-limit': 'failedJobsHistoryLimit', 'backoff-limit': 'backoffLimit', 'ttl-seconds-after-finished': 'ttlSecondsAfterFinished',
  runtime: 'runtime', nixery: 'nixery', registry: 'registry',
};
const RESOURCES: Record<string, [('requests' | 'limits')[], string]> = {
  cpu: [['requests'], 'cpu'], memory: [['requests', 'limits'], 'memory'], 'cpu-limit': [['limits'], 'cpu'], 'memory-limit': [['limits'], 'memory'],
};
const LISTS = ['env', 'secret-env', 'configmap-env', 'field-env', 'env-from', 'label', 'annotation', 'arg'];
/** Word keys for the line syntax; the structured settings have none (nixpod.yaml only). */
export const LINE_KEYS = [...Object.keys(SCALARS), ...Object.keys(RESOURCES), ...LISTS];
const LINE_FORM: Partial<Record<SettingKey, string>> = { labels: 'label=KEY=VALUE', annotations: 'annotation=KEY=VALUE', env: 'env=NAME=VALUE or secret-env=NAME:SECRET/KEY', envFrom: 'env-from=secret:NAME', args: 'arg=VALUE', resources: 'cpu=500m memory=256Mi' };
const CONFIG_ONLY = new Set(['affinity', 'tolerations', 'securityContext', 'podSecurityContext', 'nodeSelector', 'imagePullSecrets', 'nixConfig', 'node-selector', 'security-context', 'pod-security-context', 'image-pull-secrets', 'image-pull-secret', 'nix-config', 'toleration']);
const INT_KEYS = new Set<SettingKey>(['activeDeadlineSeconds', 'startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'backoffLimit', 'ttlSecondsAfterFinished']);

interface State {
  path: string;
  layer: Layer;
  findings: Finding[];
  env: EnvVar[];
  seen: Map<string, Word>;
}

/** The settings of a script's `#! nixpod` words; each problem at its word (or at the value inside it). */
export function lineSettings(words: readonly Word[], path: string): { layer: Layer; findings: Finding[] } {
  const st: State = { path, layer: emptyLayer(), findings: [], env: [], seen: new Map() };
  for (const w of words) readWord(w, st);
  if (st.env.length > 0) st.layer.values.env = st.env;
  return { layer: st.layer, findings: st.findings };
}

function readWord(w: Word, st: State): void {
  const eq = w.value.indexOf('=');
  if (eq <= 0) {
    st.findings.push(wordFinding(w, 'bad-setting-word', `'${w.value}' is not a setting: #! nixpod words are KEY=VALUE`, 'e.g. #! nixpod kind=cronjob schedule="0 3 * * *" memory=256Mi'));
    return;
  }
  const key = w.value.slice(0, eq);
  const value = w.value.slice(eq + 1);
  const v = { w, key, value, col: colAt(w, eq + 1) };
  if (SCALARS[key] !== undefined) scalar(v, SCALARS[key], st);
  else if (RESOURCES[key] !== undefined) resource(v, RESOURCES[key], st);
  else if (LISTS.includes(key)) listItem(v, st);
  else unknown(v, st);
}

interface WordValue {
  w: Word;
  key: string;
  value: string;
  /** The column of the value in the file. */
  col: number;
}

function valueFinding(v: WordValue, i: Issue): Finding {
  return { ...wordFinding(v.w, i.rule, i.message, i.hint, i.severity ?? 'error'), col: v.col };
}

function origin(v: WordValue, st: State): Origin {
  return { path: st.path, line: v.w.line, col: v.w.col };
}

/** A second word for the same thing is most likely a mistake: say so rather than pick one. */
function once(id: string, v: WordValue, st: State): boolean {
  const first = st.seen.get(id);
  if (first) {
    st.findings.push(wordFinding(v.w, 'duplicate-setting', `${id} is already set on line ${first.line} (column ${first.col})`, 'keep one of the two'));
    return false;
  }
  st.seen.set(id, v.w);
  return true;
}

function scalar(v: WordValue, key: SettingKey, st: State): void {
  if (!once(v.key, v, st)) return;
  let raw: unknown = v.value;
  if (INT_KEYS.has(key) && /^\d+$/.test(v.value)) raw = Number(v.value);
  if (key === 'suspend' && (v.value === 'true' || v.value === 'false')) raw = v.value === 'true';
  if (INT_KEYS.has(key) && typeof raw === 'string') {
    st.findings.push(valueFinding(v, { path: [], rule: 'wrong-type', message: `${v.key} must be a whole number, not '${v.value}'` }));
    return;
  }
  const r = SETTING_PARSERS[key](raw, [v.key]);
  for (const i of r.issues) st.findings.push(valueFinding(v, i));
  if (r.value === undefined) return;
  (st.layer.values as Record<string, unknown>)[key] = r.value;
  st.layer.at[key] = origin(v, st);
}

function resource(v: WordValue, [parts, name]: [('requests' | 'limits')[], string], st: State): void {
  if (!once(v.key, v, st)) return;
  const wanted = Object.fromEntries(parts.map((p) => [p, { [name]: v.value }]));
  const r = SETTING_PARSERS.resources(wanted);
  for (const i of r.issues) st.findings.push(valueFinding(v, { ...i, message: `${v.key}: '${v.value}' ${i.message.replace(/^.*' /, '')}` }));
  if (r.issues.length > 0) return;
  const cur = st.layer.values.resources ?? {};
  for (const p of parts) cur[p] = { ...cur[p], [name]: v.value };
  st.layer.values.resources = cur;
  st.layer.at.resources = origin(v, st);
}

function unknown(v: WordValue, st: State): void {
  if (CONFIG_ONLY.has(v.key)) {
    st.findings.push(wordFinding(v.w, 'config-only', `${v.key} is a structured setting: it belongs in nixpod.yaml, not on a #! nixpod line`, `set it in nixpod.yaml, under defaults: or a scripts: entry with match: '${st.path.slice(st.path.lastIndexOf('/') + 1)}'`));
    return;
  }
  const asConfig = Object.entries(SCALARS).find(([, k]) => k === v.key)?.[0];
  const form = LINE_FORM[v.key as SettingKey];
  const close = closestMatch(v.key, LINE_KEYS);
  const hint = asConfig !== undefined ? `on a #! nixpod line it is written ${asConfig}=…` : form !== undefined ? `on a #! nixpod line: ${form}` : close !== undefined ? `did you mean '${close}'?` : `#! nixpod takes: ${LINE_KEYS.join(', ')}`;
  st.findings.push(wordFinding(v.w, 'unknown-key', `unknown setting '${v.key}'`, hint));
}

const REF_WORDS: Record<string, 'secretKeyRef' | 'configMapKeyRef'> = { 'secret-env': 'secretKeyRef', 'configmap-env': 'configMapKeyRef' };

function listItem(v: WordValue, st: State): void {
  if (v.key === 'arg') {
    st.layer.values.args = [...(st.layer.values.args ?? []), v.value];
    st.layer.at.args ??= origin(v, st);
  } else if (v.key === 'label' || v.key === 'annotation') mapItem(v, v.key === 'label' ? 'labels' : 'annotations', st);
  else if (v.key === 'env-from') envFromItem(v, st);
  else envItem(v, st);
}

function mapItem(v: WordValue, key: 'labels' | 'annotations', st: State): void {
  const eq = v.value.indexOf('=');
  if (eq < 0) {
    st.findings.push(valueFinding(v, { path: [], rule: 'bad-setting-word', message: `${v.key}=${v.value}: expected ${v.key}=KEY=VALUE` }));
    return;
  }
  const k = v.value.slice(0, eq);
  if (!once(`${v.key} ${k}`, v, st)) return;
  const r = SETTING_PARSERS[key]({ [k]: v.value.slice(eq + 1) });
  for (const i of r.issues) st.findings.push(valueFinding(v, i));
  if (r.issues.length > 0) return;
  st.layer.values[key] = { ...st.layer.values[key], [k]: v.value.slice(eq + 1) };
  st.layer.at[key] ??= origin(v, st);
}

function envFromItem(v: WordValue, st: State): void {
  const m = /^(secret|configmap):(.*)$/.exec(v.value);
  if (!m) {
    st.findings.push(valueFinding(v, { path: [], rule: 'bad-setting-word', message: `env-from=${v.value}: expected env-from=secret:NAME or env-from=configmap:NAME` }));
    return;
  }
  const ref = m[1] === 'secret' ? 'secretRef' : 'configMapRef';
  const r = parseEnvFrom([{ [ref]: { name: m[2] } }]);
  for (const i of r.issues) st.findings.push(valueFinding(v, i));
  if (r.issues.length > 0 || !r.value) return;
  st.layer.values.envFrom = [...(st.layer.values.envFrom ?? []), ...r.value];
  st.layer.at.envFrom ??= origin(v, st);
}

/** env=NAME=VALUE, secret-env=NAME:SECRET/KEY, configmap-env=NAME:CONFIGMAP/KEY, field-env=NAME:FIELD. */
function envItem(v: WordValue, st: State): void {
  const literal = v.key === 'env';
  const sep = literal ? '=' : ':';
  const at = v.value.indexOf(sep);
  const form = literal ? 'env=NAME=VALUE' : v.key === 'field-env' ? 'field-env=NAME:metadata.name' : `${v.key}=NAME:${v.key === 'secret-env' ? 'SECRET' : 'CONFIGMAP'}/KEY`;
  if (v.key === 'secret-env' && /^[^:]*=/.test(v.value)) {
    const name = v.value.slice(0, v.value.indexOf('='));
    st.findings.push(valueFinding(v, { path: [], rule: 'inline-secret', message: `the value of ${name} is written in the script in the clear: secret-env names a Secret and its key`, hint: `store it in a Secret and write secret-env=${name}:SECRET/KEY (kubectl create secret generic SECRET --from-literal=KEY=…)` }));
    return;
  }
  if (at <= 0) {
    st.findings.push(valueFinding(v, { path: [], rule: 'bad-setting-word', message: `${v.key}=${v.value}: expected ${form}` }));
    return;
  }
  const name = v.value.slice(0, at);
  const rest = v.value.slice(at + 1);
  let entry: Record<string, unknown>;
  if (literal) entry = { name, value: rest };
  else if (v.key === 'field-env') entry = { name, valueFrom: { fieldRef: { fieldPath: rest } } };
  else {
    const slash = rest.indexOf('/');
    if (slash <= 0) {
      st.findings.push(valueFinding(v, { path: [], rule: 'bad-setting-word', message: `${v.key}=${v.value}: expected ${form}` }));
      return;
    }
    entry = { name, valueFrom: { [REF_WORDS[v.key] as string]: { name: rest.slice(0, slash), key: rest.slice(slash + 1) } } };
  }
  if (!once(`env ${name}`, v, st)) return;
  const r = parseEnv([entry]);
  for (const i of r.issues) st.findings.push(valueFinding(v, i));
  if (r.issues.length > 0 || !r.value?.[0]) return;
  st.env.push(r.value[0]);
  st.layer.at.env ??= origin(v, st);
  st.layer.envAt[name] = origin(v, st);
}
