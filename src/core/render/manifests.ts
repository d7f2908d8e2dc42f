import type { CheckedScript } from '../check/script.js';
import type { WorkloadKind } from '../settings/types.js';
import type { RenderOptions } from './context.js';
import { contextMemo } from './context-memo.js';
import { renderEnv, type Manifest } from './render-env.js';
import { renderGeneral } from './render-general.js';
import { memoRenderer } from './render-memo.js';
import type { CompiledTemplates } from './templates.js';
import type { ByteSink } from './yaml-bytes.js';

export type { Manifest } from './render-env.js';

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
  /** Where the script can: exactly the UTF-8 bytes of yaml(), written into `sink` (no string made for the whole). */
  yamlInto?(sink: ByteSink): void;
  /**
   * Render now what could still fail (a script off the shared skeletons), and
   * keep it: afterwards objects() and yaml() cannot throw. Output made from a
   * checked skeleton is made anew on each call, so a caller that writes as it
   * goes never holds every text.
   */
  settle(format: 'yaml' | 'json'): void;
}

export interface RendererOptions {
  /** false: every script through the general path (the reference the shared path is tested against). */
  share?: boolean;
}

/**
 * A renderer for one run: template skeletons are shared between scripts of the
 * same shape (see skeleton.ts), and scripts of the same shebang header and
 * settings share their whole context but a few strings (see context-memo.ts).
 */
export function createRenderer(opts: RenderOptions, templates: CompiledTemplates, o: RendererOptions = {}): (script: CheckedScript) => RenderedScript {
  const env = renderEnv(opts, templates);
  const memoOf = o.share === false ? undefined : contextMemo(env.hasher, env.settingsOf, env.memo);
  const fromMemo = memoRenderer(env);
  return (script) => {
    const hit = memoOf?.(script);
    return (hit && fromMemo(script, hit)) ?? renderGeneral(script, env);
  };
}

/** Render one checked script into its ConfigMap and its workload. */
export function renderScript(script: CheckedScript, opts: RenderOptions, templates: CompiledTemplates): RenderedScript {
  return createRenderer(opts, templates)(script);
}
