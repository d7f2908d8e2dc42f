import type { CheckedScript } from '../check/script.js';
import { RenderError } from '../errors.js';
import type { WorkloadKind } from '../settings/types.js';
import { buildContext, scriptHasher, type DataEntry, type RenderOptions } from './context.js';
import { settingsCache } from './settings-context.js';
import { fillPlaceholders, fillText, hole, isExactSkeleton, parseRendered, placehold, prefillText, textSkeleton, sharedDescriptions, type TextSkeleton } from './skeleton.js';
import type { CompiledTemplates, TemplateName } from './templates.js';
import { toYamlStream, type Json } from './yaml-emit.js';

export type Manifest = { [key: string]: Json };

export interface RenderedScript {
  path: string;
  base: string;
  /** `<base>-<hash>`: the ConfigMap's name (and the Pod's or the Job's). */
  name: string;
  /** What runs the script: a Pod, a Job or a CronJob (flags and settings decided). */
  kind: WorkloadKind;
  /** The workload's name: `name`, or `base` for a CronJob. */
  workloadName: string;
  /** The ConfigMap (none with runtime image: the image carries the script), then the workload (Pod, Job or CronJob). */
  objects(): [Manifest, Manifest] | [Manifest];
  /** The workload: the last of objects(). */
  workload(): Manifest;
  /** The ConfigMap that carries the script, or null when there is none (runtime image). */
  configMap(): Manifest | null;
  /** The objects as a YAML stream, each after `---`: exactly `toYamlStream(objects())`. */
  yaml(): string;
  /**
   * Render now what could still fail (a script off the shared skeletons), and
   * keep it: afterwards objects() and yaml() cannot throw. Output made from a
   * checked skeleton is made anew on each call, so a caller that writes as it
   * goes never holds every text.
   */
  settle(format: 'yaml' | 'json'): void;
}

/** A template's output for one shape of context, parsed once; null when it cannot be shared (see skeleton.ts). */
type Shared = { tree: Manifest; text: TextSkeleton } | null;

/** A renderer for one run: template skeletons are shared between scripts of the same shape (see skeleton.ts). */
export function createRenderer(opts: RenderOptions, templates: CompiledTemplates): (script: CheckedScript) => RenderedScript {
  // By shape, then by template (and, for the ConfigMap, the entries' fields): one lookup of the long shape per script.
  const cache = new Map<string, Map<string, Shared>>();
  const hasher = scriptHasher(templates.sources);
  // The settings part of a context is shared by every script with the same settings: built and described once.
  const memo = sharedDescriptions();
  const settingsOf = settingsCache(opts, (o) => memo.objects.set(o, null));
  const prefills = new WeakMap<NonNullable<Shared>, WeakMap<object, TextSkeleton>>();
  const prefilled = (entry: NonNullable<Shared>, settings: object, values: readonly string[], from: number, to: number): TextSkeleton => {
    let bySettings = prefills.get(entry);
    if (!bySettings) prefills.set(entry, (bySettings = new WeakMap()));
    let text = bySettings.get(settings);
    if (!text) bySettings.set(settings, (text = prefillText(entry.text, values, from, to)));
    return text;
  };
  return (script) => {
    const built = buildContext(script, opts, hasher, settingsOf);
    const { entries, pieces } = built;
    const [mine, { kind }] = pieces;
    const withConfigMap = mine.configMap;
    const slow = (name: TemplateName): Manifest => checkedManifest(parseRendered(templates.render(name, built.context), templates.origin(name)), templates.origin(name));
    let cm: Shared = null;
    let pod: Shared = null;
    let values: string[] = [];
    let cmText: TextSkeleton | undefined;
    let podText: TextSkeleton | undefined;
    const held = placehold(pieces, memo);
    if (held) {
      // The entries' keys and values come last: their holes are the same for every script of this shape and these fields.
      values = held.values;
      const n = values.length;
      let fields = '';
      for (const e of entries) {
        values.push(e.key, e.value);
        fields += e.field === 'data' ? 'd' : 'b';
      }
      let byShape = cache.get(held.shape);
      if (!byShape) cache.set(held.shape, (byShape = new Map()));
      const holes = (): Pick<DataEntry, 'field' | 'key' | 'value'>[] => entries.map((e, i) => ({ field: e.field, key: hole(n + 2 * i), value: hole(n + 2 * i + 1) }));
      cm = shared(byShape, templates, 'configmap', `configmap\0${fields}`, held.context, (m) => withEntries(m, holes()));
      pod = shared(byShape, templates, kind, kind, held.context, (m) => m);
      // The settings' values (the second piece) are written into the text once per skeleton and settings.
      const [own, all] = held.ends as [number, number];
      if (cm) cmText = prefilled(cm, pieces[1], values, own, all);
      if (pod) podText = prefilled(pod, pieces[1], values, own, all);
    }
    // Only a slow-path result is kept (it is made, and any template error found, by settle); a skeleton's is made when asked.
    let objects: [Manifest, Manifest] | [Manifest] | undefined;
    let yaml: string | undefined;
    const fast = pod !== null && (!withConfigMap || cm !== null);
    const workload = (): Manifest => (pod ? (fillPlaceholders(pod.tree, values) as Manifest) : slow(kind));
    const getObjects = (): [Manifest, Manifest] | [Manifest] => {
      if (objects) return objects;
      const made: [Manifest, Manifest] | [Manifest] = withConfigMap ? [cm ? (fillPlaceholders(cm.tree, values) as Manifest) : withEntries(slow('configmap'), entries), workload()] : [workload()];
      if (!fast) objects = made;
      return made;
    };
    const fastYaml = (): string | undefined => (!podText ? undefined : !withConfigMap ? `---\n${fillText(podText, values)}` : cmText ? `---\n${fillText(cmText, values)}---\n${fillText(podText, values)}` : undefined);
    return {
      path: script.path,
      base: mine.base,
      name: mine.name,
      kind,
      workloadName: mine.workloadName,
      objects: getObjects,
      workload: () => getObjects().at(-1) as Manifest,
      configMap: () => (withConfigMap ? getObjects()[0] : null),
      yaml: () => fastYaml() ?? (yaml ??= toYamlStream(getObjects())),
      settle: (format) => void (fast ? undefined : format === 'yaml' ? (yaml ??= toYamlStream(getObjects())) : getObjects()),
    };
  };
}

/** Render one checked script into its ConfigMap and its workload. */
export function renderScript(script: CheckedScript, opts: RenderOptions, templates: CompiledTemplates): RenderedScript {
  return createRenderer(opts, templates)(script);
}

/** The skeleton of template `name` for one shape (`cache` is that shape's), under `key`. */
function shared(cache: Map<string, Shared>, templates: CompiledTemplates, name: TemplateName, key: string, context: () => unknown, finish: (m: Manifest) => Manifest): Shared {
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
function withEntries(m: Manifest, entries: readonly Pick<DataEntry, 'field' | 'key' | 'value'>[]): Manifest {
  const out: Manifest = {};
  for (const k of Object.keys(m)) if (k !== 'data' && k !== 'binaryData') out[k] = m[k] as Json;
  for (const e of entries) {
    const field = (out[e.field] ??= {}) as { [key: string]: Json };
    field[e.key] = e.value;
  }
  return out;
}

function checkedManifest(doc: Json, origin: string): Manifest {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new RenderError('template', `${origin}: must render one YAML mapping (a Kubernetes object)`, 'start the template with apiVersion: and kind:');
  }
  const meta = doc.metadata;
  if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string' || meta === null || typeof meta !== 'object' || Array.isArray(meta) || typeof meta.name !== 'string') {
    throw new RenderError('template', `${origin}: the rendered object needs apiVersion, kind and metadata.name`, 'keep `name: {{json name}}` under metadata');
  }
  return doc;
}
