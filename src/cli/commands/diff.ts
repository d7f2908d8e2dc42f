import type { Explained } from '../../cluster/explain.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatError } from '../reporter.js';
import type { ClusterOptions } from './apply.js';
import { checkAndRender, openCluster } from './prepare.js';

export interface DiffCommandOptions extends ClusterOptions {
  paths: string[];
  image: string | undefined;
  templates: string | undefined;
  fieldManager: string;
  forceConflicts: boolean;
  prune: boolean;
  applyset: string;
  concurrency: number;
  version: string;
}

/** `nixpod diff`: exit 0 when the cluster already matches, 1 when it differs, 3 on errors (as kubectl diff: 2 or more). */
export async function runDiff(opts: DiffCommandOptions, io: CliIo): Promise<number> {
  const rendered = await checkAndRender({ paths: opts.paths, namespace: opts.namespace ?? null, image: opts.image, kind: opts.kind, templates: opts.templates, config: opts.config, nixVersion: opts.nixVersion }, io);
  if (!rendered) return EXIT.problems;
  const [{ mapLimit }, { diffObject }, applyset] = await Promise.all([import('../../cluster/apply.js'), import('../../cluster/diff.js'), import('../../cluster/applyset.js')]);
  const { checkKinds } = await import('../../cluster/kinds.js');
  for (const s of rendered) checkKinds(s.path, s.objects());
  const keep = applyset.memberKeys(rendered.flatMap((s) => s.objects()));
  if (opts.prune) applyset.requireMembers(keep);
  const api = await openCluster(opts, io);
  const conn = api.conn;
  try {
    const id = applyset.applySetId(opts.applyset, conn.namespace);
    if (opts.prune) await applyset.claimParent(api, opts.applyset, conn.namespace, opts.version);
    const objects = rendered.flatMap((s) => s.objects()).map((o) => (opts.prune ? applyset.asMember(o, id) : o));
    const results = await mapLimit(objects, opts.concurrency, (o) => diffObject(api, conn.namespace, o, opts.fieldManager, opts.forceConflicts));
    const errors: Explained[] = [];
    let differs = false;
    for (const r of results) {
      if ('error' in r) errors.push(r.error);
      else if (r.diff !== '') {
        differs = true;
        io.stdout(r.diff);
      }
    }
    if (opts.prune && errors.length === 0) differs = (await diffPrune(api, id, keep, opts, io, errors)) || differs;
    for (const e of sayOnce(errors)) io.stderr(formatError(e.message, e.hint));
    if (errors.length > 0) return EXIT.cluster;
    return differs ? EXIT.problems : EXIT.ok;
  } finally {
    api.close();
  }
}

type Api = import('../../cluster/http.js').Api;

/** What apply --prune would delete, as diffs to nothing; true when there is any. Failures go to `errors`. */
async function diffPrune(api: Api, id: string, keep: ReadonlySet<string>, opts: DiffCommandOptions, io: CliIo, errors: Explained[]): Promise<boolean> {
  const [{ mapLimit }, { diffDeletion }, prune, { explainError, explainResponse }] = await Promise.all([import('../../cluster/apply.js'), import('../../cluster/diff.js'), import('../../cluster/prune.js'), import('../../cluster/explain.js')]);
  const ns = api.conn.namespace;
  let candidates: { kind: string; name: string }[];
  try {
    const all = await prune.pruneCandidates(api, ns, id, keep);
    // As apply --prune would: a ConfigMap that unfinished work still mounts is kept.
    const users = all.some((c) => c.kind === 'ConfigMap') ? await prune.configMapUsers(api, ns, all.filter((c) => c.kind !== 'ConfigMap')) : new Map<string, string[]>();
    candidates = all.filter((c) => c.kind !== 'ConfigMap' || !users.has(c.name));
  } catch (e) {
    errors.push(e instanceof prune.ListError ? explainResponse(e.response, 'list for --prune', ns, { command: 'diff' }) : explainError(e, 'list for --prune', api.conn.server));
    return false;
  }
  let differs = false;
  for (const r of await mapLimit(candidates, opts.concurrency, (c) => diffDeletion(api, ns, c.kind, c.name))) {
    if ('error' in r) errors.push(r.error);
    else if (r.diff !== '') {
      differs = true;
      io.stdout(r.diff);
    }
  }
  return differs;
}

/** Errors about the namespace (or a cancel) are the same for every object: each is said once. */
function sayOnce(errors: readonly Explained[]): Explained[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.message}\n${e.hint}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
