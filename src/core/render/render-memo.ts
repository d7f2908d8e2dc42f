import { bufferOf } from '../bytes.js';
import type { CheckedScript } from '../check/script.js';
import { isTextScript } from '../check/shared-result.js';
import type { WorkloadKind } from '../settings/types.js';
import { SLOT, type MemoHit, type SharedScript, type Slots } from './context-memo.js';
import type { RenderedScript } from './manifests.js';
import { shapeCache, shared, withEntries, type Manifest, type RenderEnv, type Shared } from './render-env.js';
import { fillPlaceholders, fillText, hole, partialFill, textSkeleton, type TextSkeleton } from './skeleton.js';
import { byteSkeleton, fillBytes, type ByteSkeleton } from './skeleton-bytes.js';
import type { ByteSink } from './yaml-bytes.js';

/** The ConfigMap entry's key and value follow the seven slots in the values a script fills. */
const ENTRY_KEY = 7;
const ENTRY_VALUE = 8;

interface Skeleton {
  tree: Manifest;
  /** Every shared value written in; the holes left are the script's (numbered as in `ownValues`). */
  text: TextSkeleton;
  /** `---\n`, then `text` as UTF-8. */
  bytes: ByteSkeleton;
}

/** What scripts of one SharedScript render from: the ConfigMap for a text and for a binary script, and the workload. */
interface Skeletons {
  shared: SharedScript;
  data: Skeleton;
  /** Made when first asked for: most runs have no binary script. */
  binary(): Skeleton;
  workload: Skeleton;
}

/** Per renderer: a RenderedScript for a script on the shared path, or undefined when its skeletons are not exact (the general path then renders it). */
export function memoRenderer(env: RenderEnv): (script: CheckedScript, hit: MemoHit) => RenderedScript | undefined {
  const made = new WeakMap<SharedScript, Skeletons | null>();
  return (script, hit) => {
    let sk = made.get(hit.shared);
    if (sk === undefined) made.set(hit.shared, (sk = skeletons(env, hit.shared)));
    return sk ? new MemoRendered(script, hit.slots, sk) : undefined;
  };
}

function skeletons(env: RenderEnv, s: SharedScript): Skeletons | null {
  const { held, kind } = s;
  const n = held.values.length;
  const byShape = shapeCache(env, held.shape);
  // The same skeletons (and cache keys) the general path uses for one entry of each field.
  const data = shared(byShape, env.templates, 'configmap', 'configmap\0d', held.context, (m) => withEntries(m, [{ field: 'data', key: hole(n), value: hole(n + 1) }]));
  const pod = shared(byShape, env.templates, kind, kind, held.context, (m) => m);
  if (!data || !pod) return null;
  const slotAt = new Map(s.slotAt);
  const renumber = (i: number): number | undefined => (i === n ? ENTRY_KEY : i === n + 1 ? ENTRY_VALUE : slotAt.get(i));
  const own = (x: NonNullable<typeof pod>): Skeleton => {
    const text = partialFill(x.text, held.values, renumber);
    return { tree: x.tree, text, bytes: byteSkeleton(text, '---\n') };
  };
  let binary: Skeleton | undefined;
  return { shared: s, data: own(data), binary: () => (binary ??= own(binarySkeleton(byShape, data, n))), workload: own(pod) };
}

/**
 * The ConfigMap skeleton for a binary script, made from the text one rather
 * than by rendering the template again: withEntries keeps every key but the
 * payload's, and adds the payload last.
 */
function binarySkeleton(byShape: Map<string, Shared>, data: NonNullable<Shared>, n: number): NonNullable<Shared> {
  let entry = byShape.get('configmap\0b');
  if (!entry) {
    const tree = withEntries(data.tree, [{ field: 'binaryData', key: hole(n), value: hole(n + 1) }]);
    byShape.set('configmap\0b', (entry = { tree, text: textSkeleton(tree) }));
  }
  return entry;
}

/** yamlInto's values (the slots, then the entry's key and value), reused from script to script. */
const scratch: string[] = [];

/**
 * One script on the shared path: it holds its script, its strings and the
 * shared skeletons, nothing more. Its text is read (and its values made) only
 * when its output is asked for, and not kept.
 */
class MemoRendered implements RenderedScript {
  constructor(
    private readonly script: CheckedScript,
    private readonly slots: Slots,
    private readonly sk: Skeletons,
  ) {}

  get path(): string {
    return this.script.path;
  }
  get base(): string {
    return this.slots[SLOT.base];
  }
  get name(): string {
    return this.slots[SLOT.name];
  }
  get workloadName(): string {
    return this.slots[SLOT.workloadName];
  }
  get kind(): WorkloadKind {
    return this.sk.shared.kind;
  }

  /** The slots, then the ConfigMap entry (the script as text, else base64) and which ConfigMap skeleton takes it. */
  private own(): { values: string[]; configMap: Skeleton } {
    const text = this.script.text;
    const value = text ?? bufferOf(this.script.bytes).toString('base64');
    return { values: [...this.slots, this.slots[SLOT.key], value], configMap: text === null ? this.sk.binary() : this.sk.data };
  }

  /** The values in placehold's numbering, for the trees. */
  private all(own: readonly string[]): string[] {
    const values = this.sk.shared.held.values.slice();
    for (const [i, slot] of this.sk.shared.slotAt) values[i] = own[slot] as string;
    values.push(own[ENTRY_KEY] as string, own[ENTRY_VALUE] as string);
    return values;
  }

  yaml(): string {
    const { values, configMap } = this.own();
    return `---\n${fillText(configMap.text, values)}---\n${fillText(this.sk.workload.text, values)}`;
  }

  /** yaml() as bytes: a text script's body is written from its bytes, without decoding them (see skeleton-bytes.ts). */
  yamlInto(sink: ByteSink): void {
    const bytes = this.script.bytes;
    const body = isTextScript(this.script) ? this.script : null;
    const values = scratch;
    for (let i = 0; i < ENTRY_KEY; i++) values[i] = this.slots[i] as string;
    values[ENTRY_KEY] = this.slots[SLOT.key];
    values[ENTRY_VALUE] = body ? '' : bufferOf(bytes).toString('base64');
    fillBytes(sink, (body ? this.sk.data : this.sk.binary()).bytes, values, body, ENTRY_VALUE);
    fillBytes(sink, this.sk.workload.bytes, values, body, ENTRY_VALUE);
  }

  objects(): [Manifest, Manifest] {
    const { values, configMap } = this.own();
    const all = this.all(values);
    return [fillPlaceholders(configMap.tree, all) as Manifest, fillPlaceholders(this.sk.workload.tree, all) as Manifest];
  }

  workload(): Manifest {
    return this.objects()[1];
  }

  configMap(): Manifest {
    return this.objects()[0];
  }

  /** The binary ConfigMap skeleton, made now if this script needs it: then nothing can fail any more (the skeletons are exact, and the values only strings). */
  settle(): void {
    if (!isTextScript(this.script)) this.sk.binary();
  }
}
