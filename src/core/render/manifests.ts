import type { CheckedScript } from '../check/script.js';
import { RenderError } from '../errors.js';
import { buildContext, scriptHasher, type RenderOptions } from './context.js';
import { fillPlaceholders, fillText, hole, isExactSkeleton, parseRendered, placehold, textSkeleton, type TextSkeleton } from './skeleton.js';
import type { CompiledTemplates, TemplateName } from './templates.js';
import { toYamlStream, type Json } from './yaml-emit.js';

export type Manifest = { [key: string]: Json };

export interface RenderedScript {
  path: string;
  base: string;
  name: string;
  /** The ConfigMap, then the Pod. */
  objects(): [Manifest, Manifest];
  /** Both as a YAML stream, each after `---`: exactly `toYamlStream(objects())`. */
  yaml(): string;
}

/** A template's output for one shape of context, parsed once; null when it cannot be shared (see skeleton.ts). */
type Shared = { tree: Manifest; text: TextSkeleton } | null;

/** Where the script itself goes in the ConfigMap: set by the program after parsing, never through template text. */
interface Payload {
  field: 'data' | 'binaryData';
  key: string;
  value: string;
}

/** A renderer for one run: template skeletons are shared between scripts of the same shape (see skeleton.ts). */
export function createRenderer(opts: RenderOptions, templates: CompiledTemplates): (script: CheckedScript) => RenderedScript {
  const cache = new Map<string, Shared>();
  const hasher = scriptHasher(templates.sources.map((s) => s.text));
  return (script) => {
    const ctx = buildContext(script, opts, hasher);
    const payload: Payload = script.text !== null ? { field: 'data', key: ctx.key, value: script.text } : { field: 'binaryData', key: ctx.key, value: Buffer.from(script.bytes).toString('base64') };
    const slow = (name: TemplateName): Manifest => checkedManifest(parseRendered(templates.render(name, ctx), templates.origin(name)), templates.origin(name));
    let cm: Shared = null;
    let pod: Shared = null;
    let values: string[] = [];
    const held = placehold(ctx);
    if (held) {
      const shape = JSON.stringify(held.context);
      // The payload key and value are the last two values: their holes are the same for every script of this shape.
      values = [...held.values, payload.key, payload.value];
      cm = shared(cache, templates, 'configmap', shape + payload.field, held.context, (m) => withPayload(m, { field: payload.field, key: hole(values.length - 2), value: hole(values.length - 1) }));
      pod = shared(cache, templates, 'pod', shape, held.context, (m) => m);
    }
    let objects: [Manifest, Manifest] | undefined;
    let yaml: string | undefined;
    const getObjects = (): [Manifest, Manifest] =>
      (objects ??= [cm ? (fillPlaceholders(cm.tree, values) as Manifest) : withPayload(slow('configmap'), payload), pod ? (fillPlaceholders(pod.tree, values) as Manifest) : slow('pod')]);
    return {
      path: script.path,
      base: ctx.base,
      name: ctx.name,
      objects: getObjects,
      yaml: () => (yaml ??= cm && pod ? `---\n${fillText(cm.text, values)}---\n${fillText(pod.text, values)}` : toYamlStream(getObjects())),
    };
  };
}

/** Render one checked script into its ConfigMap and Pod. */
export function renderScript(script: CheckedScript, opts: RenderOptions, templates: CompiledTemplates): RenderedScript {
  return createRenderer(opts, templates)(script);
}

function shared(cache: Map<string, Shared>, templates: CompiledTemplates, name: TemplateName, shape: string, context: unknown, finish: (m: Manifest) => Manifest): Shared {
  const key = `${name}\0${shape}`;
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = null;
    try {
      const origin = templates.origin(name);
      const doc = parseRendered(templates.render(name, context, true), origin);
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

function withPayload(m: Manifest, p: Payload): Manifest {
  const out: Manifest = {};
  for (const k of Object.keys(m)) if (k !== 'data' && k !== 'binaryData') out[k] = m[k] as Json;
  out[p.field] = { [p.key]: p.value };
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
