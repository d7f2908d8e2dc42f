import { delimiter, dirname, isAbsolute, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { ClusterError } from './errors.js';
import { findShapeError } from './kubeconfig-shape.js';

export type Obj = Record<string, unknown>;

/** One named cluster, user or context, with the file it came from (for messages and relative paths). */
export interface Entry {
  name: string;
  body: Obj;
  file: string;
}

export interface Kubeconfig {
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  currentContext: string | undefined;
  files: readonly string[];
}

/** The context a command uses, resolved: its cluster and user entries (user undefined when the context names none). */
export interface Selection {
  context: string;
  contextFile: string;
  cluster: Entry;
  user: Entry | undefined;
  namespace: string | undefined;
}

const LISTS = [
  ['clusters', 'cluster'],
  ['users', 'user'],
  ['contexts', 'context'],
] as const;

/** kubectl's search: --kubeconfig, else KUBECONFIG split on the platform's delimiter (`:`, `;` on Windows), else ~/.kube/config. */
export function kubeconfigPaths(explicit: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string[] {
  if (explicit !== undefined) return [resolve(cwd, explicit)];
  if (env.KUBECONFIG) return [...new Set(env.KUBECONFIG.split(delimiter).filter(Boolean).map((f) => resolve(cwd, f)))];
  return [resolve(env.HOME ?? '', '.kube', 'config')];
}

/** One kubeconfig file's text, checked for shape, with relative paths made absolute against its folder. Within a file the last entry of a name wins (client-go reads lists into maps). */
export function parseKubeconfig(text: string, file: string): Kubeconfig {
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (e) {
    throw new ClusterError(`kubeconfig ${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, 'fix the file, or point --kubeconfig/KUBECONFIG elsewhere');
  }
  const shape = findShapeError(doc);
  if (shape) throw new ClusterError(`kubeconfig ${file}: ${shape}`, 'fix that field (kubectl reads the file with the same types)');
  const d = doc as Obj;
  const out: Kubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: (d['current-context'] as string | undefined) || undefined, files: [file] };
  for (const [list, field] of LISTS) {
    for (const item of (d[list] ?? []) as Obj[]) {
      if (item === null) continue;
      const name = typeof item.name === 'string' ? item.name : '';
      const body = { ...((item[field] ?? {}) as Obj) };
      absolutize(body, dirname(file));
      out[list].set(name, { name, body, file });
    }
  }
  return out;
}

/** Relative file references are relative to the kubeconfig's folder; an exec command only when it holds a path separator (else PATH finds it). */
function absolutize(body: Obj, base: string): void {
  for (const k of ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile']) {
    const v = body[k];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) body[k] = resolve(base, v);
  }
  const exec = body.exec as Obj | undefined;
  if (exec && typeof exec.command === 'string' && exec.command.includes(sep) && !isAbsolute(exec.command)) body.exec = { ...exec, command: resolve(base, exec.command) };
}

/** kubectl's merge: for each name the first file wins; the first current-context wins. */
export function mergeKubeconfigs(parts: readonly Kubeconfig[]): Kubeconfig {
  const out: Kubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined, files: parts.flatMap((p) => p.files) };
  for (const p of parts) {
    for (const [list] of LISTS) for (const [name, e] of p[list]) if (!out[list].has(name)) out[list].set(name, e);
    out.currentContext ??= p.currentContext;
  }
  return out;
}

/** The context to use (--context, else current-context) and what it names; every dangling name is an error, never an anonymous or default connection. */
export function selectContext(kc: Kubeconfig, wanted: string | undefined): Selection {
  const where = kc.files.join(delimiter);
  const name = wanted ?? kc.currentContext;
  if (!name) throw new ClusterError(`kubeconfig ${where} has no current-context`, 'pass --context NAME, or run: kubectl config use-context NAME');
  const ctx = kc.contexts.get(name);
  if (!ctx) throw new ClusterError(`context "${name}" does not exist in kubeconfig ${where}`, `known contexts: ${[...kc.contexts.keys()].join(', ') || 'none'}`);
  const clusterName = ctx.body.cluster as string | undefined;
  const cluster = clusterName ? kc.clusters.get(clusterName) : undefined;
  if (!cluster) throw new ClusterError(`context "${name}" in ${ctx.file} ${clusterName ? `names cluster "${clusterName}", which the kubeconfig does not define` : 'names no cluster'}`, `known clusters: ${[...kc.clusters.keys()].join(', ') || 'none'}`);
  const userName = ctx.body.user as string | undefined;
  const user = userName ? kc.users.get(userName) : undefined;
  if (userName && !user) throw new ClusterError(`context "${name}" in ${ctx.file} names user "${userName}", which the kubeconfig does not define`, `known users: ${[...kc.users.keys()].join(', ') || 'none'}; fix the context's user`);
  const ns = ctx.body.namespace;
  return { context: name, contextFile: ctx.file, cluster, user, namespace: typeof ns === 'string' && ns !== '' ? ns : undefined };
}
