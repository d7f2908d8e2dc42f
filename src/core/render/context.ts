import type { CheckedScript } from '../check/script.js';
import { summarizeShebang, type ShebangSummary } from '../shebang/parse.js';
import { decodeScript } from '../check/script.js';
import type { Runtime, Settings, WorkloadKind } from '../settings/types.js';
import { runtimeFacts, type RuntimeFacts } from '../runtime/plan.js';
import { scriptBase, contentHasher, dataKeyFor, KEY_MAX } from './names.js';
import { MANAGED_BY, pinsNixpkgs, settingsCache, withOwnKeys, type RenderOptions, type SettingsContext, type SettingsParts } from './settings-context.js';

export { DEFAULT_IMAGE, type RenderOptions } from './settings-context.js';
export const MOUNT_DIR = '/nixpod';
/**
 * Bumped when the rendered shape or the hashed identity changes, so names change with it.
 * 2: the identity is the path from the repository root, the namespace is not hashed, bases tagged when lossy.
 * 3: the settings (nixpod.yaml, `#! nixpod`) are hashed; Pod, Job and CronJob share one Pod spec template.
 */
const RENDER_FORMAT = 'nixpod-render-3';

/** Everything a template can use. Documented in the README; keep the two in step. */
export type TemplateContext = ScriptValues & SettingsContext;

/** The part of the context that is the script's own (the rest comes from its settings). */
export interface ScriptValues {
  /** `<base>-<hash>`: the ConfigMap's name, and the Pod's or the Job's. */
  name: string;
  /** The workload's name: `name`, or for a CronJob (whose spec server-side apply updates in place) `base`. */
  workloadName: string;
  base: string;
  hash: string;
  namespace: string | null;
  key: string;
  source: string;
  mountDir: string;
  scriptPath: string;
  image: string;
  /** The container command: `nix-shell SCRIPT`, or for a `#! nix` script `nix SCRIPT` (its env then enables nix-command and flakes); null: the image's own entrypoint (runtime image). */
  command: string[] | null;
  /** How the Pod gets its packages: nix-shell, nixery or image (see core/runtime). */
  runtime: Runtime;
  /** Whether the script travels in a ConfigMap mounted at mountDir (false with runtime image: the image carries it). */
  configMap: boolean;
  /** Which program reads the script's lines: `nix-shell` or `nix`. */
  dialect: 'nix-shell' | 'nix';
  interpreter: string | null;
  run: string | null;
  packages: string[];
  nixPath: string[];
  pure: boolean;
  keep: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The labels of the objects a controller makes (a Job's Pods, a CronJob's Jobs and Pods): `labels` without app.kubernetes.io/managed-by. */
  templateLabels: Record<string, string>;
  /** When the script ships local files: the Pod's working directory (the script's folder in the mount), else null. */
  workingDir: string | null;
  /** When the script ships local files: every ConfigMap key and its path under the mount (volume `items`), else null. */
  items: { key: string; path: string }[] | null;
}

/** One ConfigMap entry: `data` when the bytes are UTF-8 text, else base64 `binaryData`. Set by the program after templates run, never through them. */
export interface DataEntry {
  key: string;
  field: 'data' | 'binaryData';
  value: string;
}

export type ScriptHasher = (parts: readonly (string | Uint8Array)[]) => string;

/** The templates a kind renders with: a change to the CronJob template renames no Pod. */
export const TEMPLATES_OF: Record<WorkloadKind, readonly string[]> = { pod: ['configmap', 'pod', 'pod-spec'], job: ['configmap', 'job', 'pod-spec'], cronjob: ['configmap', 'cronjob', 'pod-spec'] };

/** One per run: the hash of everything shared by all scripts of a kind (format and templates) is computed once. */
export function scriptHasher(templates: readonly { name: string; text: string }[]): (kind: WorkloadKind) => ScriptHasher {
  const made = new Map<WorkloadKind, ScriptHasher>();
  return (kind) => {
    let h = made.get(kind);
    if (!h) {
      const used = TEMPLATES_OF[kind];
      h = contentHasher([RENDER_FORMAT, kind, ...templates.filter((t) => used.includes(t.name)).flatMap((t) => [t.name, t.text])]);
      made.set(kind, h);
    }
    return h;
  };
}

/** The ConfigMap keys (the script's first) and, when it ships files, their paths under the mount. */
export function dataLayout(script: CheckedScript): { keys: string[]; paths: string[] | null } {
  const b = script.bundle;
  if (!b) return { keys: [dataKeyFor(script.fileName)], paths: null };
  const paths = [b.scriptPath, ...b.files.map((f) => f.path)];
  return { keys: uniqueKeys(paths), paths };
}

/**
 * The template context, and the ConfigMap entries (the script first, then the files it ships).
 *
 * The name is `<base>-<hash>`, the hash over everything rendered except the
 * namespace: the script's bytes, its identity (`source`: its path from its
 * repository root, see io/scan.ts), the files it ships and their layout, the
 * options and the templates. So the same input gives the same name from any
 * working directory or spelling, and in a namespace from `-n` or from the
 * kubeconfig context alike (names are per namespace anyway).
 */
export function buildContext(
  script: CheckedScript,
  opts: RenderOptions,
  hashers: (kind: WorkloadKind) => ScriptHasher,
  settingsOf: (resolved: CheckedScript['settings'], pinned: boolean, flakes?: boolean) => SettingsParts = settingsCache(opts),
): { readonly context: TemplateContext; entries: DataEntry[]; pieces: [ScriptValues, SettingsContext] } {
  const base = scriptBase(script.fileName, script.settings?.settings);
  const sh = summarizeShebang(script.model);
  const b = script.bundle;
  const files = b ? b.files : [];
  const { keys, paths } = dataLayout(script);
  const key = keys[0] as string;
  const scriptPath = `${MOUNT_DIR}/${b ? b.scriptPath : key}`;
  const entries: DataEntry[] = [entry(key, script.bytes, script.text), ...files.map((f, i) => entry(keys[i + 1] as string, f.bytes, decodeScript(f.bytes)))];
  let workingDir = b ? (b.workingDir === '' ? MOUNT_DIR : `${MOUNT_DIR}/${b.workingDir}`) : null;
  let items = paths ? paths.map((path, i) => ({ key: keys[i] as string, path })) : null;
  const flakes = sh.dialect === 'nix';
  const parts = settingsOf(script.settings, pinsNixpkgs(sh.nixPath), flakes);
  const s = parts.settings;
  const rt = runtimeFacts(script, s, scriptPath);
  // A prebuilt image carries the script and its files (and sets its working directory): nothing is mounted.
  if (!rt.configMap) [workingDir, items] = [null, null];
  const hashed = hashedValues({ base, key, source: script.source, scriptPath }, sh, s, rt, workingDir, items);
  // Everything rendered but the namespace feeds the hash: a change to the script, a file it ships, a setting, the options or a template renames the objects.
  const h = hashers(s.kind)([script.bytes, JSON.stringify(hashed), parts.hashed, ...files.flatMap((f) => [f.path, f.bytes])]);
  const mine = ownValues(hashed, `${base}-${h}`, h, s, flakes);
  // The context is the two pieces together: this script's own values, and those it shares with every script of the same settings.
  // Joined only when asked for (the slow path): a skeleton needs only the pieces.
  let context: TemplateContext | undefined;
  return {
    get context() {
      return (context ??= { ...mine, ...parts.context });
    },
    entries,
    pieces: [mine, parts.context],
  };
}

/** A script's own strings: the rest of its values are its shebang's and its settings' (see context-memo.ts, which fills these four into a shared template). */
export interface ScriptStrings {
  base: string;
  key: string;
  source: string;
  scriptPath: string;
}

export type HashedValues = Omit<ScriptValues, 'name' | 'workloadName' | 'hash' | 'namespace' | 'dialect'>;

/** What the name's hash covers of a script's own values (key order is the hashed JSON's: keep it). */
export function hashedValues(v: ScriptStrings, sh: ShebangSummary, s: Settings, rt: Pick<RuntimeFacts, 'image' | 'command' | 'runtime' | 'configMap'>, workingDir: string | null, items: ScriptValues['items']): HashedValues {
  const annotations: Record<string, string> = {
    'nixpod.dev/source': v.source,
    'nixpod.dev/interpreter': sh.interpreter ?? sh.run ?? '',
    'nixpod.dev/packages': JSON.stringify(sh.packages),
  };
  const own = { 'app.kubernetes.io/name': v.base, [MANAGED_BY]: 'nixpod', 'nixpod.dev/script': v.base };
  const labels = withOwnKeys(own, s.labels);
  const templateLabels: Record<string, string> = {};
  for (const k in labels) if (k !== MANAGED_BY) templateLabels[k] = labels[k] as string;
  return { base: v.base, key: v.key, source: v.source, mountDir: MOUNT_DIR, scriptPath: v.scriptPath, image: rt.image, command: rt.command, runtime: rt.runtime, configMap: rt.configMap, interpreter: sh.interpreter, run: sh.run, packages: sh.packages, nixPath: sh.nixPath, pure: sh.pure, keep: sh.keep, labels, annotations: withOwnKeys(annotations, s.annotations), templateLabels, workingDir, items };
}

/** The script's own piece of the context, once its name is known. The dialect is not hashed on its own: the command it decides is. */
export function ownValues(hashed: HashedValues, name: string, hash: string, s: Settings, flakes: boolean): ScriptValues {
  return { name, workloadName: s.kind === 'cronjob' ? hashed.base : name, hash, namespace: s.namespace ?? null, ...hashed, dialect: flakes ? 'nix' : 'nix-shell' };
}

function entry(key: string, bytes: Uint8Array, text: string | null): DataEntry {
  return text !== null ? { key, field: 'data', value: text } : { key, field: 'binaryData', value: Buffer.from(bytes).toString('base64') };
}

/** ConfigMap keys for paths (`lib/x.nix` -> `lib_x.nix`), made unique in order. */
function uniqueKeys(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  return paths.map((p) => {
    const k = dataKeyFor(p.replaceAll('/', '_'));
    let u = k;
    for (let n = 2; seen.has(u); n++) u = `${k.slice(0, KEY_MAX - String(n).length - 1)}-${n}`;
    seen.add(u);
    return u;
  });
}
