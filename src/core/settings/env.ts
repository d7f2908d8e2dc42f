import type { EnvFromSource, EnvVar } from './types.js';
import { bad, issue, isMap, ok, type Issue, type Parsed, type ValuePath } from './issues.js';
import { knownFields, listOf, wrongType } from './values.js';
import { configKey, dnsSubdomain, envName, fieldPath } from './validate.js';

const REFS = ['secretKeyRef', 'configMapKeyRef', 'fieldRef'] as const;
/** The fields of an env var and of an envFrom source (the schema test compares them with the JSON Schema). */
export const ENV_VAR_FIELDS = ['name', 'value', 'valueFrom', ...REFS];
export const ENV_FROM_FIELDS = ['prefix', 'secretRef', 'configMapRef'];

function name(v: unknown, path: ValuePath): Parsed<string> {
  if (typeof v !== 'string') return { value: undefined, issues: [wrongType(path, 'a string', v)] };
  const why = envName(v);
  return why ? bad(issue(path, 'bad-env-name', `env name '${v}' ${why}`, 'use a name such as BACKUP_BUCKET')) : ok(v);
}

function objectName(v: unknown, path: ValuePath, what: string): Issue[] {
  if (typeof v !== 'string') return [wrongType(path, `the ${what}'s name`, v)];
  const why = dnsSubdomain(v);
  return why ? [issue(path, 'bad-name', `${what} name '${v}' ${why}`)] : [];
}

/** A secretKeyRef or configMapKeyRef: `{name, key, optional?}`. */
function keyRef(v: unknown, path: ValuePath, what: 'Secret' | 'ConfigMap', envVar: string): Issue[] {
  if (!isMap(v)) {
    const hint = `write {name: ${what === 'Secret' ? 'SECRET' : 'CONFIGMAP'}, key: KEY}, with the value stored in the ${what}`;
    if (typeof v === 'string' && what === 'Secret') return [issue(path, 'inline-secret', `the value of ${envVar} is written here in the clear: a secretKeyRef names a Secret and its key`, `${hint} (kubectl create secret generic NAME --from-literal=KEY=…)`)];
    return [wrongType(path, `a map (${hint})`, v)];
  }
  const issues = knownFields(v, ['name', 'key', 'optional'], path, `a ${what} reference`);
  if (v.name === undefined) issues.push(issue(path, 'missing-key', `the ${what} reference of ${envVar} needs a name`));
  else issues.push(...objectName(v.name, [...path, 'name'], what));
  if (v.key === undefined) issues.push(issue(path, 'missing-key', `the ${what} reference of ${envVar} needs a key`));
  else if (typeof v.key !== 'string') issues.push(wrongType([...path, 'key'], 'a string', v.key));
  else if (configKey(v.key)) issues.push(issue([...path, 'key'], 'bad-name', `${what} key '${v.key}' ${configKey(v.key)}`));
  if (v.optional !== undefined && typeof v.optional !== 'boolean') issues.push(wrongType([...path, 'optional'], 'true or false', v.optional));
  return issues;
}

function valueFrom(v: Record<string, unknown>, path: ValuePath, envVar: string): Issue[] {
  const issues = knownFields(v, REFS, path, 'valueFrom');
  const given = REFS.filter((r) => v[r] !== undefined);
  if (given.length !== 1) return [...issues, issue(path, 'bad-value', `the env var ${envVar} needs exactly one of ${REFS.join(', ')}`)];
  const r = given[0] as (typeof REFS)[number];
  if (r === 'fieldRef') {
    const f = v.fieldRef;
    if (!isMap(f) || typeof f.fieldPath !== 'string') return [...issues, wrongType([...path, r], 'a map {fieldPath: metadata.name}', f)];
    const why = fieldPath(f.fieldPath);
    return why ? [...issues, issue([...path, r, 'fieldPath'], 'bad-value', `fieldPath '${f.fieldPath}' ${why}`)] : issues;
  }
  return [...issues, ...keyRef(v[r], [...path, r], r === 'secretKeyRef' ? 'Secret' : 'ConfigMap', envVar)];
}

/**
 * One env var: Kubernetes' `{name, value}` or `{name, valueFrom: {…}}`, or the
 * shorthand `{name, secretKeyRef: {…}}` (also configMapKeyRef, fieldRef).
 */
function envVar(v: unknown, path: ValuePath): Parsed<EnvVar> {
  if (!isMap(v)) return bad(wrongType(path, 'a map {name: NAME, value: VALUE} (or valueFrom, secretKeyRef, configMapKeyRef, fieldRef)', v));
  const issues = knownFields(v, ENV_VAR_FIELDS, path, 'an env var');
  if (v.name === undefined) return bad(...issues, issue(path, 'missing-key', 'an env var needs a name'));
  const n = name(v.name, [...path, 'name']);
  issues.push(...n.issues);
  const shorthand = REFS.filter((r) => v[r] !== undefined);
  const from = shorthand.length > 0 ? Object.fromEntries(shorthand.map((r) => [r, v[r]])) : v.valueFrom;
  const forms = [v.value !== undefined, v.valueFrom !== undefined, shorthand.length > 0].filter(Boolean).length;
  if (forms > 1) return bad(...issues, issue(path, 'bad-value', `the env var ${String(v.name)} has both a value and a reference: give one`));
  if (from !== undefined) {
    if (!isMap(from)) return bad(...issues, wrongType([...path, 'valueFrom'], 'a map', from));
    const fromPath = shorthand.length > 0 ? path : [...path, 'valueFrom'];
    const refIssues = valueFrom(from, fromPath, String(v.name));
    issues.push(...refIssues);
    if (n.value === undefined || refIssues.some((i) => (i.severity ?? 'error') === 'error')) return bad(...issues);
    return ok({ name: n.value, valueFrom: from as EnvVar['valueFrom'] & object }, issues);
  }
  if (v.value !== undefined && typeof v.value !== 'string') return bad(...issues, wrongType([...path, 'value'], 'a string', v.value));
  return n.value === undefined ? bad(...issues) : ok({ name: n.value, value: (v.value as string | undefined) ?? '' }, issues);
}

/** `env:` as a list of env vars, or as a map of names to literal values. */
export function parseEnv(v: unknown, path: ValuePath = []): Parsed<EnvVar[]> {
  if (!isMap(v)) return listOf(envVar, 'env vars')(v, path);
  const out: EnvVar[] = [];
  const issues: Issue[] = [];
  for (const [k, x] of Object.entries(v)) {
    const n = name(k, [...path, k]);
    if (n.issues.length > 0) issues.push(...n.issues.map((i) => ({ ...i, onKey: true })));
    else if (typeof x !== 'string') issues.push(wrongType([...path, k], 'a string (use the list form for secretKeyRef)', x));
    else out.push({ name: k, value: x });
  }
  return ok(out, issues);
}

function envFromSource(v: unknown, path: ValuePath): Parsed<EnvFromSource> {
  if (!isMap(v)) return bad(wrongType(path, 'a map {secretRef: {name: NAME}} or {configMapRef: {name: NAME}}', v));
  const issues = knownFields(v, ENV_FROM_FIELDS, path, 'an envFrom source');
  const refs = (['secretRef', 'configMapRef'] as const).filter((r) => v[r] !== undefined);
  if (refs.length !== 1) return bad(...issues, issue(path, 'bad-value', 'an envFrom source needs exactly one of secretRef, configMapRef'));
  const r = refs[0] as 'secretRef' | 'configMapRef';
  const ref = v[r];
  if (!isMap(ref)) return bad(...issues, wrongType([...path, r], 'a map {name: NAME}', ref));
  issues.push(...knownFields(ref, ['name', 'optional'], [...path, r], r));
  issues.push(...(ref.name === undefined ? [issue([...path, r], 'missing-key', `${r} needs a name`)] : objectName(ref.name, [...path, r, 'name'], r === 'secretRef' ? 'Secret' : 'ConfigMap')));
  if (v.prefix !== undefined) {
    if (typeof v.prefix !== 'string') issues.push(wrongType([...path, 'prefix'], 'a string', v.prefix));
    else if (envName(v.prefix)) issues.push(issue([...path, 'prefix'], 'bad-env-name', `prefix '${v.prefix}' ${envName(v.prefix)}`));
  }
  if (issues.some((i) => (i.severity ?? 'error') === 'error')) return bad(...issues);
  return ok(v as EnvFromSource, issues);
}

export const parseEnvFrom = listOf(envFromSource, 'envFrom sources');
