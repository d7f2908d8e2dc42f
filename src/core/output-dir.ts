import { parseAllDocuments } from 'yaml';
import { isOwnKustomization, KUSTOMIZATION, KUSTOMIZATION_NAMES, renderKustomization, unlistedIn } from './kustomization.js';
import { MANAGED_BY } from './render/settings-context.js';

const SCRIPT_LABEL = 'nixpod.dev/script';

/** A file `render -o DIR` writes: its name in DIR and its whole text (made when asked, so a large run never holds every text). */
export interface OutputFile {
  name: string;
  content: string | (() => string);
}

const textOf = (f: OutputFile): string => (typeof f.content === 'string' ? f.content : f.content());

/** What `render -o DIR` does to DIR: the files it writes, the ones of its own it removes, and a kustomization it leaves alone. */
export interface OutputPlan {
  write: OutputFile[];
  /** Files nixpod wrote earlier (recognised by their content) that no script renders any more. */
  remove: string[];
  /** A kustomization someone else wrote: kept; `unlisted` are the manifests it leaves out (undefined: nixpod cannot read it). */
  foreignKustomization?: { name: string; unlisted: string[] | undefined };
  /** Names nixpod would write where DIR holds a file it did not write: never overwritten. */
  conflicts: string[];
}

export interface PlanOptions {
  /** false (`--no-kustomization`): no kustomization.yaml, so that `kubectl apply -f DIR` takes every file; nixpod's own earlier one goes. */
  kustomization?: boolean;
}

export type OutputState = 'stale' | 'missing' | 'extra';

/** The files of DIR whose content may decide something: manifests and kustomizations, never other people's READMEs. */
export function isCandidate(name: string): boolean {
  return /\.(ya?ml|json)$/i.test(name) || KUSTOMIZATION_NAMES.includes(name);
}

/**
 * DIR made to hold exactly the manifests of this run: `manifests`, a
 * kustomization listing them (unless DIR has one nixpod did not write), and
 * none of nixpod's files for scripts that are gone. A stale manifest left
 * behind would still be applied by `kubectl apply -f DIR`, Argo CD or Flux.
 * `existing` maps the candidate files of DIR (see isCandidate) to their text.
 */
export function planOutput(manifests: readonly OutputFile[], existing: ReadonlyMap<string, string>, o: PlanOptions = {}): OutputPlan {
  const withKustomization = o.kustomization !== false;
  const foreign = withKustomization ? KUSTOMIZATION_NAMES.find((k) => existing.has(k) && !(k === KUSTOMIZATION && isOwnKustomization(existing.get(k) as string))) : undefined;
  const write = withKustomization && foreign === undefined ? [...manifests, { name: KUSTOMIZATION, content: renderKustomization(manifests.map((m) => m.name)) }] : [...manifests];
  const planned = new Set(write.map((f) => f.name));
  const remove = [...existing]
    .filter(([name, text]) => !planned.has(name) && (isNixpodManifest(name, text) || (name === KUSTOMIZATION && isOwnKustomization(text))))
    .map(([name]) => name)
    .sort(byCodeUnit);
  const conflicts = manifests.filter((m) => isForeignAt(m, existing.get(m.name))).map((m) => m.name).sort(byCodeUnit);
  const plan: OutputPlan = { write, remove, conflicts };
  if (foreign !== undefined) plan.foreignKustomization = { name: foreign, unlisted: unlistedIn(existing.get(foreign) as string, manifests.map((m) => m.name)) };
  return plan;
}

/**
 * A file where a manifest goes that nixpod did not write. The text it would
 * write now counts as its own, and is the cheaper test (no YAML parse) for the
 * usual re-render of unchanged scripts.
 */
function isForeignAt(m: OutputFile, text: string | undefined): boolean {
  return text !== undefined && text !== textOf(m) && !isNixpodManifest(m.name, text);
}

/** How DIR differs from the plan, file by file (sorted by name), and how many files are already as they would be written. */
export function compareOutput(plan: OutputPlan, existing: ReadonlyMap<string, string>): { changes: { name: string; state: OutputState }[]; current: number } {
  const changes: { name: string; state: OutputState }[] = [];
  let current = 0;
  for (const f of plan.write) {
    const now = existing.get(f.name);
    if (now === undefined) changes.push({ name: f.name, state: 'missing' });
    else if (now !== textOf(f)) changes.push({ name: f.name, state: 'stale' });
    else current++;
  }
  for (const name of plan.remove) changes.push({ name, state: 'extra' });
  return { changes: changes.sort((a, b) => byCodeUnit(a.name, b.name)), current };
}

/** The kinds nixpod renders: a file holding any other kind is someone else's. */
const OWN_KINDS: ReadonlySet<unknown> = new Set(['ConfigMap', 'Pod', 'Job', 'CronJob']);

/** `<base>.yaml` or `<base>.json`, base a DNS label (what every script's base is): the only names nixpod writes. */
const OWN_NAME = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.(?:yaml|json)$/;

/**
 * Whether the file `name` of DIR is a manifest nixpod wrote: a name it writes
 * (`<base>.yaml`), and YAML (or the JSON `List` of `--format json`) whose every
 * object is of a kind it renders and carries both nixpod's managed-by label
 * (the mark `apply --prune` trusts) and `nixpod.dev/script: <base>`. Anything
 * else is someone else's, never removed nor overwritten.
 */
export function isNixpodManifest(name: string, text: string): boolean {
  const base = OWN_NAME.exec(name)?.[1];
  // Most bystanders never mention nixpod: no parse for them.
  if (base === undefined || !text.includes(MANAGED_BY) || !text.includes(SCRIPT_LABEL)) return false;
  const objects = objectsOf(text);
  return objects !== undefined && objects.length > 0 && objects.every((o) => isOwnObject(o, base));
}

function isOwnObject(o: unknown, base: string): boolean {
  const labels = labelsOf(o);
  return OWN_KINDS.has((o as { kind?: unknown } | null)?.kind) && labels?.[MANAGED_BY] === 'nixpod' && labels[SCRIPT_LABEL] === base;
}

/** The objects of a YAML stream or a JSON `List`; undefined when it is not one nixpod can read. */
function objectsOf(text: string): unknown[] | undefined {
  const objects: unknown[] = [];
  try {
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) return undefined;
      const v: unknown = doc.toJS();
      if (v === null || v === undefined) continue;
      const items = (v as { kind?: unknown; items?: unknown }).kind === 'List' ? (v as { items?: unknown }).items : [v];
      if (!Array.isArray(items)) return undefined;
      objects.push(...(items as unknown[]));
    }
  } catch {
    return undefined;
  }
  return objects;
}

function labelsOf(o: unknown): Record<string, unknown> | undefined {
  const labels = (o as { metadata?: { labels?: unknown } } | null)?.metadata?.labels;
  return labels !== null && typeof labels === 'object' ? (labels as Record<string, unknown>) : undefined;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
