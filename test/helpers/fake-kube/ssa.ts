/**
 * Server-side apply for the fake API server: leaf-level field ownership
 * (lists are atomic, as for fields without list-type metadata), conflicts with
 * the apiserver's wording, force, and removal of fields a manager stops applying.
 */
export type Obj = { [key: string]: unknown };
type Path = string[];

export interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  paths: Set<string>;
  time: string;
}

// Fields no manager owns: identity, server-set metadata and status.
const SKIP_TOP = new Set(['apiVersion', 'kind', 'status']);
const SKIP_META = new Set(['name', 'namespace', 'resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation', 'deletionTimestamp']);

const key = (p: Path): string => JSON.stringify(p);
const unkey = (k: string): Path => JSON.parse(k) as Path;

export function leafPaths(obj: Obj): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, p: Path): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) {
        if (p.length === 0 && SKIP_TOP.has(k)) continue;
        if (p.length === 1 && p[0] === 'metadata' && SKIP_META.has(k)) continue;
        walk(x, [...p, k]);
      }
    } else if (p.length > 0) out.push(p);
  };
  walk(obj, []);
  return out;
}

export function getPath(obj: unknown, p: Path): unknown {
  let v = obj;
  for (const k of p) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Obj)[k];
  }
  return v;
}

function setPath(obj: Obj, p: Path, value: unknown): void {
  let v = obj;
  for (const k of p.slice(0, -1)) {
    const next = v[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) v[k] = {};
    v = v[k] as Obj;
  }
  v[p[p.length - 1] as string] = structuredClone(value);
}

function deletePath(obj: Obj, p: Path): void {
  const parent = getPath(obj, p.slice(0, -1));
  if (parent && typeof parent === 'object') delete (parent as Obj)[p[p.length - 1] as string];
}

export const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `.data.run.sh`, as the apiserver prints field paths. */
export const dotted = (k: string): string => unkey(k).map((s) => `.${s}`).join('');

export interface ApplyResult {
  object?: Obj;
  owners?: Owner[];
  conflicts?: { manager: string; field: string }[];
}

export function serverSideApply(live: Obj | undefined, liveOwners: readonly Owner[], applied: Obj, manager: string, force: boolean, now: string): ApplyResult {
  const mine = new Set(leafPaths(applied).map(key));
  const owners = liveOwners.map((o) => ({ ...o, paths: new Set(o.paths) }));
  const conflicts: { manager: string; field: string }[] = [];
  if (live) {
    for (const p of mine) {
      const lv = getPath(live, unkey(p));
      if (lv === undefined || deepEqual(lv, getPath(applied, unkey(p)))) continue;
      for (const o of owners) if (o.manager !== manager && o.paths.has(p)) conflicts.push({ manager: o.manager, field: dotted(p) });
    }
  }
  if (conflicts.length > 0 && !force) return { conflicts };
  for (const o of owners) if (o.manager !== manager) for (const p of mine) o.paths.delete(p);
  const object = structuredClone(live ?? {}) as Obj;
  const before = owners.find((o) => o.manager === manager && o.operation === 'Apply');
  for (const p of before?.paths ?? []) {
    if (!mine.has(p) && !owners.some((o) => o !== before && o.paths.has(p))) deletePath(object, unkey(p));
  }
  for (const p of mine) setPath(object, unkey(p), getPath(applied, unkey(p)));
  for (const top of ['apiVersion', 'kind']) if (applied[top] !== undefined) object[top] = applied[top];
  const rest = owners.filter((o) => !(o.manager === manager && o.operation === 'Apply') && o.paths.size > 0);
  return { object, owners: [...rest, { manager, operation: 'Apply', paths: mine, time: now }] };
}

/** An Update (create, replace, merge patch) owns the fields it changed. */
export function updateOwners(before: Obj | undefined, after: Obj, owners: readonly Owner[], manager: string, now: string): Owner[] {
  const changed = leafPaths(after).map(key).filter((p) => !before || !deepEqual(getPath(before, unkey(p)), getPath(after, unkey(p))));
  if (changed.length === 0) return [...owners];
  const out = owners.map((o) => ({ ...o, paths: new Set([...o.paths].filter((p) => !changed.includes(p))) })).filter((o) => o.paths.size > 0);
  const mine = out.find((o) => o.manager === manager && o.operation === 'Update');
  if (mine) changed.forEach((p) => mine.paths.add(p));
  else out.push({ manager, operation: 'Update', paths: new Set(changed), time: now });
  return out;
}

/** metadata.managedFields as the apiserver writes it (FieldsV1). */
export function managedFields(owners: readonly Owner[]): Obj[] {
  return owners.map((o) => {
    const fields: Obj = {};
    for (const p of o.paths) {
      let v = fields;
      for (const k of unkey(p)) v = (v[`f:${k}`] ??= {}) as Obj;
    }
    return { manager: o.manager, operation: o.operation, apiVersion: 'v1', time: o.time, fieldsType: 'FieldsV1', fieldsV1: fields };
  });
}

export function conflictMessage(conflicts: readonly { manager: string; field: string }[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0] as { manager: string; field: string };
    return `Apply failed with 1 conflict: conflict with "${c.manager}": ${c.field}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const parts = [...byManager].map(([m, fs]) => `conflicts with "${m}":\n${fs.map((f) => `- ${f}`).join('\n')}`);
  return `Apply failed with ${conflicts.length} conflicts: ${parts.join('\n')}`;
}
