import { closestMatch } from '../suggest.js';
import { bad, issue, isMap, ok, typeName, type Issue, type Parsed, type ValuePath } from './issues.js';
import { INT32_MAX } from './validate.js';

/** A value check: a reason it is wrong, or undefined. */
export type Check = (v: string) => string | undefined;

export function wrongType(path: ValuePath, what: string, v: unknown, hint?: string): Issue {
  const quote = typeof v === 'number' || typeof v === 'boolean' ? `quote it: '${String(v)}'` : undefined;
  return issue(path, 'wrong-type', `${label(path)}must be ${what}, not ${typeName(v)}`, hint ?? quote);
}

/** `['scripts', 0, 'resources', 'limits']` -> 'resources.limits ' (what the user wrote under an entry). */
function label(path: ValuePath): string {
  const p = path[0] === 'defaults' ? path.slice(1) : path[0] === 'scripts' ? path.slice(2) : path;
  return p.length === 0 ? '' : `${p.join('.')} `;
}

export function str(rule: string, check?: Check, hint?: string): (v: unknown, path?: ValuePath) => Parsed<string> {
  return (v, path = []) => {
    if (typeof v !== 'string') return bad(wrongType(path, 'a string', v));
    const why = check?.(v);
    return why ? bad(issue(path, rule, `'${v}' ${why}`, hint)) : ok(v);
  };
}

export function int(min: number): (v: unknown, path?: ValuePath) => Parsed<number> {
  return (v, path = []) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) return bad(wrongType(path, 'a whole number', v, typeof v === 'string' && /^\d+$/.test(v) ? `write it without quotes: ${v}` : undefined));
    if (v < min || v > INT32_MAX) return bad(issue(path, 'bad-value', `${v} is out of range: it must be from ${min} to ${INT32_MAX}`));
    return ok(v);
  };
}

export function bool(v: unknown, path: ValuePath = []): Parsed<boolean> {
  if (typeof v === 'boolean') return ok(v);
  return bad(wrongType(path, 'true or false', v, typeof v === 'string' && /^(yes|no|on|off|y|n)$/i.test(v) ? 'YAML 1.2 reads yes/no/on/off as strings: write true or false' : undefined));
}

export function oneOf<T extends string>(values: readonly T[]): (v: unknown, path?: ValuePath) => Parsed<T> {
  return (v, path = []) => {
    if (typeof v !== 'string') return bad(wrongType(path, `one of ${values.join(', ')}`, v));
    if ((values as readonly string[]).includes(v)) return ok(v as T);
    const close = closestMatch(v, values) ?? values.find((x) => x.toLowerCase() === v.toLowerCase());
    return bad(issue(path, 'bad-value', `'${v}' is not one of ${values.join(', ')}`, close !== undefined ? `did you mean '${close}'?` : undefined));
  };
}

/** A map of strings, keys and values checked, each problem at its own key or value. */
export function stringMap(keyRule: string, key: Check, value: Check | undefined, valueRule = keyRule): (v: unknown, path?: ValuePath) => Parsed<Record<string, string>> {
  return (v, path = []) => {
    if (!isMap(v)) return bad(wrongType(path, 'a map of names to strings', v));
    const out: Record<string, string> = {};
    const issues: Issue[] = [];
    for (const [k, x] of Object.entries(v)) {
      const kw = key(k);
      if (kw) issues.push(issue([...path, k], keyRule, `key '${k}' ${kw}`, undefined, { onKey: true }));
      else if (typeof x !== 'string') issues.push(wrongType([...path, k], 'a string', x));
      else {
        const vw = value?.(x);
        if (vw) issues.push(issue([...path, k], valueRule, `value '${x}' of '${k}' ${vw}`));
        else out[k] = x;
      }
    }
    return ok(out, issues);
  };
}

/** A list, each item parsed on its own; unusable items are dropped (their issues kept). */
export function listOf<T>(item: (v: unknown, path: ValuePath) => Parsed<T>, what: string): (v: unknown, path?: ValuePath) => Parsed<T[]> {
  return (v, path = []) => {
    if (!Array.isArray(v)) return bad(wrongType(path, `a list of ${what}`, v));
    const out: T[] = [];
    const issues: Issue[] = [];
    v.forEach((x, i) => {
      const r = item(x, [...path, i]);
      issues.push(...r.issues);
      if (r.value !== undefined) out.push(r.value);
    });
    return ok(out, issues);
  };
}

/** A map with known fields only (did-you-mean for the others). */
export function knownFields(v: Record<string, unknown>, fields: readonly string[], path: ValuePath, what: string): Issue[] {
  return Object.keys(v)
    .filter((k) => !fields.includes(k))
    .map((k) => {
      const close = closestMatch(k, fields);
      return issue([...path, k], 'unknown-key', `unknown key '${k}' in ${what}`, close !== undefined ? `did you mean '${close}'?` : `${what} takes: ${fields.join(', ')}`, { onKey: true });
    });
}

/** A map copied as given (affinity, securityContext), its top-level fields checked. */
export function objectWith(fields: readonly string[], what: string): (v: unknown, path?: ValuePath) => Parsed<Record<string, unknown>> {
  return (v, path = []) => {
    if (!isMap(v)) return bad(wrongType(path, `a map (${what})`, v));
    return ok(v, knownFields(v, fields, path, what));
  };
}
