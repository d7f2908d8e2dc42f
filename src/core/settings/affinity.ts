/**
 * `affinity:` as Kubernetes 1.24 validates it (validateAffinity and the
 * selector checks it calls), each problem at its place in nixpod.yaml.
 * Fields nixpod does not know are refused by knownFields; where the API has
 * strings (values, namespaces, matchLabels), other types are refused too.
 */
import { issue, isMap, type Issue, type ValuePath } from './issues.js';
import { labelValue, qualifiedName } from './validate.js';
import { knownFields, stringMap, wrongType } from './values.js';

const NODE_OPS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];
const LABEL_OPS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';

type Check = (v: unknown, path: ValuePath) => Issue[];

// A field written with nothing under it (`nodeAffinity:`) is null: the server reads it as not set, and so does nixpod.
function listOfChecked(item: Check, what: string): Check {
  return (v, path) => (v === null ? [] : Array.isArray(v) ? v.flatMap((x, i) => item(x, [...path, i])) : [wrongType(path, `a list of ${what}`, v)]);
}

/** A map of known fields, each checked when set; `required` ones must be set (the server's "Required value"). */
function mapWith(fields: readonly string[], what: string, checks: Record<string, Check>, required: readonly string[] = []): Check {
  return (v, path) => {
    if (!isMap(v)) return [wrongType(path, `a map (${what})`, v)];
    const out = knownFields(v, fields, path, what);
    for (const k of required) if (v[k] === undefined || v[k] === null) out.push(issue(path, 'missing-key', `${what} needs ${k}`));
    for (const [k, check] of Object.entries(checks)) if (v[k] !== undefined && v[k] !== null) out.push(...check(v[k], [...path, k]));
    return out;
  };
}

/** A list of strings: the API's []string, where a number or boolean is a 500 from the server, not a 422. */
const strings = (what: string): Check => (v, path) =>
  v === null ? [] : !Array.isArray(v) ? [wrongType(path, `a list of ${what}`, v)] : v.flatMap((x, i) => (typeof x === 'string' ? [] : [wrongType([...path, i], 'a string', x)]));

// A label selector's matchLabels: the same rules as the labels setting.
const matchLabels: Check = (v, path) => stringMap('bad-label', qualifiedName, labelValue)(v, path).issues;

function requirement(ops: readonly string[], keyCheck: (k: string) => string | undefined): Check {
  const shape = mapWith(['key', 'operator', 'values'], 'a match expression', {});
  return (v, path) => {
    const out = shape(v, path);
    if (!isMap(v)) return out;
    const values = Array.isArray(v.values) ? v.values : v.values === undefined || v.values === null ? [] : undefined;
    if (values === undefined) return [...out, wrongType([...path, 'values'], 'a list of strings', v.values)];
    out.push(...strings('strings')(values, [...path, 'values']));
    const why = typeof v.key === 'string' ? keyCheck(v.key) : 'must be set';
    if (why) out.push(issue(v.key === undefined ? path : [...path, 'key'], 'bad-value', `key '${String(v.key ?? '')}' ${why}`));
    const op = v.operator;
    if (typeof op !== 'string' || !ops.includes(op)) out.push(issue([...path, 'operator'], 'bad-value', `'${String(op ?? '')}' is not a selector operator here (${ops.join(', ')})`));
    else if ((op === 'In' || op === 'NotIn') && values.length === 0) out.push(issue(path, 'bad-value', `operator ${op} needs at least one value`, 'add values: [...]'));
    else if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) out.push(issue([...path, 'values'], 'bad-value', `operator ${op} takes no values`, 'remove values, or use In / NotIn'));
    else if ((op === 'Gt' || op === 'Lt') && values.length !== 1) out.push(issue(path, 'bad-value', `operator ${op} takes exactly one value`, 'e.g. values: ["4"]'));
    return out;
  };
}

/** matchFields may only name metadata.name, with In or NotIn and one value. */
const fieldRequirement: Check = (v, path) => {
  const out = requirement(['In', 'NotIn'], (k) => (k === 'metadata.name' ? undefined : "is not a field a node selector can match (only 'metadata.name')"))(v, path);
  if (isMap(v) && Array.isArray(v.values) && v.values.length > 1) out.push(issue([...path, 'values'], 'bad-value', 'matchFields takes exactly one value', 'one node name per term; add more terms for more nodes'));
  return out;
};

const nodeTerm = mapWith(['matchExpressions', 'matchFields'], 'a node selector term', {
  matchExpressions: listOfChecked(requirement(NODE_OPS, qualifiedName), 'match expressions'),
  matchFields: listOfChecked(fieldRequirement, 'match fields'),
});

const weight: Check = (v, path) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 100 ? [] : [issue(path, 'bad-value', `weight must be a whole number from 1 to 100, not ${JSON.stringify(v)}`)]);

const nodeSelector: Check = (v, path) => {
  const out = mapWith(['nodeSelectorTerms'], 'a node selector', { nodeSelectorTerms: listOfChecked(nodeTerm, 'node selector terms') })(v, path);
  if (isMap(v) && (!Array.isArray(v.nodeSelectorTerms) || v.nodeSelectorTerms.length === 0) && !out.length) out.push(issue(path, 'bad-value', `${REQUIRED} needs at least one node selector term`, 'add nodeSelectorTerms: [{matchExpressions: [...]}], or leave the requirement out'));
  return out;
};

const preferredNode = mapWith(['weight', 'preference'], 'a preferred scheduling term', { weight, preference: nodeTerm }, ['weight']);

const labelSelector = mapWith(['matchLabels', 'matchExpressions'], 'a label selector', {
  matchLabels,
  matchExpressions: listOfChecked(requirement(LABEL_OPS, qualifiedName), 'match expressions'),
});

const podTerm: Check = (v, path) => {
  const out = mapWith(['labelSelector', 'namespaces', 'namespaceSelector', 'topologyKey'], 'a pod affinity term', { labelSelector, namespaceSelector: labelSelector, namespaces: strings('namespace names') })(v, path);
  if (!isMap(v)) return out;
  const tk = v.topologyKey;
  const why = typeof tk !== 'string' || tk === '' ? 'must be set (e.g. kubernetes.io/hostname)' : qualifiedName(tk);
  if (why) out.push(issue(tk === undefined ? path : [...path, 'topologyKey'], 'bad-value', `topologyKey ${why}`));
  return out;
};

const preferredPod = mapWith(['weight', 'podAffinityTerm'], 'a weighted pod affinity term', { weight, podAffinityTerm: podTerm }, ['weight', 'podAffinityTerm']);

const podAffinity = mapWith([REQUIRED, PREFERRED], 'pod (anti-)affinity', { [REQUIRED]: listOfChecked(podTerm, 'pod affinity terms'), [PREFERRED]: listOfChecked(preferredPod, 'weighted pod affinity terms') });

/** Every problem Kubernetes would find in `affinity`. */
export const checkAffinity = mapWith(['nodeAffinity', 'podAffinity', 'podAntiAffinity'], 'affinity', {
  nodeAffinity: mapWith([REQUIRED, PREFERRED], 'node affinity', { [REQUIRED]: nodeSelector, [PREFERRED]: listOfChecked(preferredNode, 'preferred scheduling terms') }),
  podAffinity,
  podAntiAffinity: podAffinity,
});
