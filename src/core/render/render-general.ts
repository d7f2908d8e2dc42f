import type { CheckedScript } from '../check/script.js';
import { RenderError } from '../errors.js';
import { buildContext, type DataEntry } from './context.js';
import type { RenderedScript } from './manifests.js';
import { checkedManifest, shapeCache, shared, withEntries, type Manifest, type RenderEnv, type Shared } from './render-env.js';
import { fillPlaceholders, fillText, hole, parseRendered, placehold, type TextSkeleton } from './skeleton.js';
import type { TemplateName } from './templates.js';
import { toYamlStream } from './yaml-emit.js';

/**
 * Any script: its whole context built (buildContext), then rendered from the
 * shared skeletons where its shape allows, else through the templates with its
 * real values (the slow path). Also the reference that context-memo.ts's
 * shared path is held to.
 */
export function renderGeneral(script: CheckedScript, env: RenderEnv): RenderedScript {
  const { templates } = env;
  const built = buildContext(script, env.opts, env.hasher, env.settingsOf);
  const { entries, pieces } = built;
  const [mine, { kind }] = pieces;
  const withConfigMap = mine.configMap;
  const slow = (name: TemplateName): Manifest => {
    try {
      return checkedManifest(parseRendered(templates.render(name, built.context), templates.origin(name)), templates.origin(name));
    } catch (e) {
      // A template can fail for one script of thousands: say which.
      throw e instanceof RenderError ? new RenderError(e.code, `${script.path}: ${e.message}`, e.hint) : e;
    }
  };
  let cm: Shared = null;
  let pod: Shared = null;
  let values: string[] = [];
  let cmText: TextSkeleton | undefined;
  let podText: TextSkeleton | undefined;
  const held = placehold(pieces, env.memo);
  if (held) {
    // The entries' keys and values come last: their holes are the same for every script of this shape and these fields.
    values = held.values;
    const n = values.length;
    let fields = '';
    for (const e of entries) {
      values.push(e.key, e.value);
      fields += e.field === 'data' ? 'd' : 'b';
    }
    const byShape = shapeCache(env, held.shape);
    const holes = (): Pick<DataEntry, 'field' | 'key' | 'value'>[] => entries.map((e, i) => ({ field: e.field, key: hole(n + 2 * i), value: hole(n + 2 * i + 1) }));
    cm = shared(byShape, templates, 'configmap', `configmap\0${fields}`, held.context, (m) => withEntries(m, holes()));
    pod = shared(byShape, templates, kind, kind, held.context, (m) => m);
    // The settings' values (the second piece) are written into the text once per skeleton and settings.
    const [own, all] = held.ends as [number, number];
    if (cm) cmText = env.prefilled(cm, pieces[1], values, own, all);
    if (pod) podText = env.prefilled(pod, pieces[1], values, own, all);
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
}
