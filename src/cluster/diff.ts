import { unifiedDiff } from '../core/diff.js';
import type { Manifest } from '../core/render/manifests.js';
import { toYaml, type Json } from '../core/render/yaml-emit.js';
import { describe, objectPath } from './apply.js';
import { explainError, explainResponse, readJson, type Explained } from './explain.js';
import type { Api, ApiResponse } from './http.js';
import { versionKind } from './kinds.js';

/** Fields the server sets: left out of a diff, as kubectl diff does. */
function comparable(r: ApiResponse | null, what: string): string {
  if (r === null) return '';
  const o = readJson<{ metadata?: Record<string, unknown>; status?: unknown }>(r, what);
  delete o.status;
  for (const k of ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation']) delete o.metadata?.[k];
  return toYaml(sortKeys(o) as { [key: string]: Json });
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

const DIFF = { command: 'diff' } as const;

/** One object compared: both sides as YAML ('' where it does not exist), and their unified diff ('' when equal). */
export interface ObjectDiff {
  kind: string;
  namespace: string;
  name: string;
  /** kubectl diff's file name for it: `group.version.Kind.namespace.name`. */
  file: string;
  live: string;
  merged: string;
  diff: string;
}

/** The live object against what a server-side dry-run apply would make of it: a unified diff, '' when equal. */
export async function diffObject(api: Api, namespace: string, obj: Manifest, fieldManager: string, force: boolean): Promise<ObjectDiff | { error: Explained }> {
  const kind = String(obj.kind);
  const name = String((obj.metadata as { name?: unknown }).name);
  const ns = (obj.metadata as { namespace?: string }).namespace ?? namespace;
  const what = describe(kind, name);
  try {
    const live = await api.send({ method: 'GET', path: objectPath(kind, ns, name) });
    if (live.status !== 200 && live.status !== 404) return { error: explainResponse(live, what, ns, DIFF) };
    const merged = await api.send({
      method: 'PATCH',
      path: objectPath(kind, ns, name),
      query: { fieldManager, force: force ? 'true' : undefined, dryRun: 'All', fieldValidation: 'Strict' },
      contentType: 'application/apply-patch+yaml',
      body: JSON.stringify(obj),
    });
    if (merged.status !== 200 && merged.status !== 201) return { error: explainResponse(merged, what, ns, DIFF) };
    return diffTexts(comparable(live.status === 200 ? live : null, what), comparable(merged, what), kind, ns, name);
  } catch (e) {
    return { error: explainError(e, what, api.conn.server, 'compared') };
  }
}

/** What --prune would delete, as a diff to nothing (no diff when it is gone already). */
export async function diffDeletion(api: Api, namespace: string, kind: string, name: string): Promise<ObjectDiff | { error: Explained }> {
  const what = describe(kind, name);
  try {
    const live = await api.send({ method: 'GET', path: objectPath(kind, namespace, name) });
    if (live.status === 404) return diffTexts('', '', kind, namespace, name);
    if (live.status !== 200) return { error: explainResponse(live, what, namespace, DIFF) };
    return diffTexts(comparable(live, what), '', kind, namespace, name);
  } catch (e) {
    return { error: explainError(e, what, api.conn.server, 'compared') };
  }
}

function diffTexts(live: string, merged: string, kind: string, namespace: string, name: string): ObjectDiff {
  const file = `${versionKind(kind)}.${namespace}.${name}`;
  const d = unifiedDiff(live, merged, `live/${file}`, `merged/${file}`);
  return { kind, namespace, name, file, live, merged, diff: d === '' ? '' : `diff -u -N live/${file} merged/${file}\n${d}` };
}
