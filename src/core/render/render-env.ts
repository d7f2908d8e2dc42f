import { RenderError } from '../errors.js';
import type { WorkloadKind } from '../settings/types.js';
import { scriptHasher, type DataEntry, type RenderOptions, type ScriptHasher } from './context.js';
import { settingsCache, type SettingsParts } from './settings-context.js';
import type { CheckedScript } from '../check/script.js';
import { isExactSkeleton, parseRendered, prefillText, sharedDescriptions, textSkeleton, type SharedDescriptions, type TextSkeleton } from './skeleton.js';
import type { CompiledTemplates, TemplateName } from './templates.js';
import type { Json } from './yaml-emit.js';
import { setOwn } from '../own-key.js';

export type Manifest = { [key: string]: Json };

/** A template's output for one shape of context, parsed once; null when it cannot be shared (see skeleton.ts). */
export type Shared = { tree: Manifest; text: TextSkeleton } | null;

/** What one renderer shares between its scripts: the skeletons by shape, the hashers, the settings' parts and their descriptions. */
export interface RenderEnv {
  opts: RenderOptions;
  templates: CompiledTemplates;
  /** By shape, then by template (and, for the ConfigMap, the entries' fields): one lookup of the long shape per script. */
  cache: Map<string, Map<string, Shared>>;
  hasher: (kind: WorkloadKind) => ScriptHasher;
  memo: SharedDescriptions;
  settingsOf: (resolved: CheckedScript['settings'], pinned: boolean, flakes?: boolean) => SettingsParts;
  /** The skeleton's text with the settings' values written in, once per skeleton and settings. */
  prefilled(entry: NonNullable<Shared>, settings: object, values: readonly string[], from: number, to: number): TextSkeleton;
}

export function renderEnv(opts: RenderOptions, templates: CompiledTemplates): RenderEnv {
  // The settings part of a context is shared by every script with the same settings: built and described once.
  const memo = sharedDescriptions();
  const prefills = new WeakMap<NonNullable<Shared>, WeakMap<object, TextSkeleton>>();
  return {
    opts,
    templates,
    cache: new Map(),
    hasher: scriptHasher(templates.sources),
    memo,
    settingsOf: settingsCache(opts, (o) => memo.objects.set(o, null)),
    prefilled(entry, settings, values, from, to) {
      let bySettings = prefills.get(entry);
      if (!bySettings) prefills.set(entry, (bySettings = new WeakMap()));
      let text = bySettings.get(settings);
      if (!text) bySettings.set(settings, (text = prefillText(entry.text, values, from, to)));
      return text;
    },
  };
}

/** The cache of one shape. */
export function shapeCache(env: RenderEnv, shape: string): Map<string, Shared> {
  let byShape = env.cache.get(shape);
  if (!byShape) env.cache.set(shape, (byShape = new Map()));
  return byShape;
}

/** The skeleton of template `name` for one shape (`cache` is that shape's), under `key`. */
export function shared(cache: Map<string, Shared>, templates: CompiledTemplates, name: TemplateName, key: string, context: () => unknown, finish: (m: Manifest) => Manifest): Shared {
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = null;
    try {
      const origin = templates.origin(name);
      const doc = parseRendered(templates.render(name, context(), true), origin);
      if (isExactSkeleton(doc)) {
        const tree = finish(checkedManifest(doc, origin));
        entry = { tree, text: textSkeleton(tree) };
      }
    } catch {
      // The real values are rendered on the slow path, which reports the error in their terms.
    }
    cache.set(key, entry);
  }
  return entry;
}

/** The script and its files go into `data`/`binaryData` here, after parsing: never through template text. */
export function withEntries(m: Manifest, entries: readonly Pick<DataEntry, 'field' | 'key' | 'value'>[]): Manifest {
  const out: Manifest = {};
  for (const k of Object.keys(m)) if (k !== 'data' && k !== 'binaryData') setOwn(out, k, m[k] as Json);
  for (const e of entries) {
    const field = (out[e.field] ??= {}) as { [key: string]: Json };
    setOwn(field, e.key, e.value);
  }
  return out;
}

export function checkedManifest(doc: Json, origin: string): Manifest {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new RenderError('template', `${origin}: must render one YAML mapping (a Kubernetes object)`, 'start the template with apiVersion: and kind:');
  }
  const meta = doc.metadata;
  if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string' || meta === null || typeof meta !== 'object' || Array.isArray(meta) || typeof meta.name !== 'string') {
    throw new RenderError('template', `${origin}: the rendered object needs apiVersion, kind and metadata.name`, 'keep `name: {{json name}}` under metadata');
  }
  return doc;
}
