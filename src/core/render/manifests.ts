import type { CheckedScript } from '../check/script.js';
import { RenderError } from '../errors.js';
import { buildContext, type RenderOptions } from './context.js';
import { fillPlaceholders, parseRendered, placehold, type Placeheld } from './skeleton.js';
import type { CompiledTemplates, TemplateName } from './templates.js';
import type { Json } from './yaml-emit.js';

export type Manifest = { [key: string]: Json };

export interface RenderedScript {
  path: string;
  base: string;
  name: string;
  /** The ConfigMap, then the Pod. */
  objects: [Manifest, Manifest];
}

/** A renderer for one run: parsed template skeletons are shared between scripts (see skeleton.ts). */
export function createRenderer(opts: RenderOptions, templates: CompiledTemplates): (script: CheckedScript) => RenderedScript {
  const cache = new Map<string, Json>();
  const texts = templates.sources.map((s) => s.text);
  return (script) => {
    const ctx = buildContext(script, opts, texts);
    const held = holdValues(ctx);
    const cm = renderObject(templates, 'configmap', ctx, held, cache);
    const pod = renderObject(templates, 'pod', ctx, held, cache);
    // The script never passes through template text: it is set here, after parsing.
    delete cm.data;
    delete cm.binaryData;
    if (script.text !== null) cm.data = { [ctx.key]: script.text };
    else cm.binaryData = { [ctx.key]: Buffer.from(script.bytes).toString('base64') };
    return { path: script.path, base: ctx.base, name: ctx.name, objects: [cm, pod] };
  };
}

/** Render one checked script into its ConfigMap and Pod. */
export function renderScript(script: CheckedScript, opts: RenderOptions, templates: CompiledTemplates): RenderedScript {
  return createRenderer(opts, templates)(script);
}

interface HeldContext {
  held: Placeheld;
  /** The placeholder context as JSON: Handlebars output is a function of it, so equal shapes share one skeleton. */
  shape: string;
}

/** Once per script, shared by both templates. */
function holdValues(ctx: object): HeldContext | undefined {
  const held = placehold(ctx);
  return held && { held, shape: JSON.stringify(held.context) };
}

function renderObject(templates: CompiledTemplates, name: TemplateName, ctx: object, h: HeldContext | undefined, cache: Map<string, Json>): Manifest {
  const origin = templates.origin(name);
  if (h) {
    const key = `${name}\0${h.shape}`;
    let skeleton = cache.get(key);
    if (skeleton === undefined) {
      try {
        skeleton = parseRendered(templates.render(name, h.held.context, true), origin);
      } catch {
        skeleton = null; // report the error from the real values below
      }
      cache.set(key, skeleton);
    }
    const filled = skeleton === null ? undefined : fillPlaceholders(skeleton, h.held.values);
    if (filled !== undefined) return asManifest(filled, origin);
  }
  return asManifest(parseRendered(templates.render(name, ctx), origin), origin);
}

function asManifest(doc: Json, origin: string): Manifest {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new RenderError('template', `${origin}: must render one YAML mapping (a Kubernetes object)`, 'start the template with apiVersion: and kind:');
  }
  const meta = doc.metadata;
  if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string' || meta === null || typeof meta !== 'object' || Array.isArray(meta) || typeof meta.name !== 'string') {
    throw new RenderError('template', `${origin}: the rendered object needs apiVersion, kind and metadata.name`, 'keep `name: {{json name}}` under metadata');
  }
  return doc;
}
