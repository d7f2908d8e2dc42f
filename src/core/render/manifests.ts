import { parse, YAMLParseError } from 'yaml';
import type { CheckedScript } from '../check/script.js';
import { RenderError } from '../errors.js';
import { buildContext, type RenderOptions } from './context.js';
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

/** Render one checked script into its ConfigMap and Pod. */
export function renderScript(script: CheckedScript, opts: RenderOptions, templates: CompiledTemplates): RenderedScript {
  const ctx = buildContext(script, opts, templates.sources.map((s) => s.text));
  const cm = renderObject(templates, 'configmap', ctx);
  const pod = renderObject(templates, 'pod', ctx);
  // The script never passes through template text: it is set here, after parsing.
  delete cm.data;
  delete cm.binaryData;
  if (script.text !== null) cm.data = { [ctx.key]: script.text };
  else cm.binaryData = { [ctx.key]: Buffer.from(script.bytes).toString('base64') };
  return { path: script.path, base: ctx.base, name: ctx.name, objects: [cm, pod] };
}

function renderObject(templates: CompiledTemplates, name: TemplateName, ctx: object): Manifest {
  const origin = templates.sources.find((s) => s.name === name)?.origin ?? name;
  const text = templates.render(name, ctx);
  let doc: unknown;
  try {
    doc = parse(text, { strict: true, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new RenderError('template', `${origin}: the rendered output is not valid YAML (output line${where.replace(/^:/, ' ').replace(':', ', col ')}): ${msg}`, 'quote template values with {{json value}}');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new RenderError('template', `${origin}: must render one YAML mapping (a Kubernetes object)`, 'start the template with apiVersion: and kind:');
  }
  const m = doc as Manifest;
  const meta = m.metadata;
  if (typeof m.apiVersion !== 'string' || typeof m.kind !== 'string' || meta === null || typeof meta !== 'object' || Array.isArray(meta) || typeof meta.name !== 'string') {
    throw new RenderError('template', `${origin}: the rendered object needs apiVersion, kind and metadata.name`, 'keep `name: {{json name}}` under metadata');
  }
  return m;
}
