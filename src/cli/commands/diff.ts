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
  version: string;
}

/** `nixpod diff`: exit 0 when the cluster already matches, 1 when it differs, 3 on errors (as kubectl diff: 2 or more). */
export async function runDiff(opts: DiffCommandOptions, io: CliIo): Promise<number> {
  const rendered = await checkAndRender({ paths: opts.paths, namespace: opts.namespace ?? null, image: opts.image, templates: opts.templates }, io);
  if (!rendered) return EXIT.problems;
  const [{ mapLimit }, { diffObject, diffDeletion }, applyset] = await Promise.all([
    import('../../cluster/apply.js'),
    import('../../cluster/diff.js'),
    import('../../cluster/applyset.js'),
  ]);
  if (opts.prune) applyset.requireMembers(applyset.memberKeys(rendered.map((s) => s.name)));
  const api = await openCluster(opts, io);
  const conn = api.conn;
  try {
    const id = applyset.applySetId(opts.applyset, conn.namespace);
    if (opts.prune) await applyset.claimParent(api, opts.applyset, conn.namespace, opts.version);
    const objects = rendered.flatMap((s) => s.objects()).map((o) => (opts.prune ? applyset.asMember(o, id) : o));
    const results = await mapLimit(objects, 8, (o) => diffObject(api, conn.namespace, o, opts.fieldManager, opts.forceConflicts));
    const errors: Explained[] = [];
    let differs = false;
    for (const r of results) {
      if ('error' in r) errors.push(r.error);
      else if (r.diff !== '') {
        differs = true;
        io.stdout(r.diff);
      }
    }
    if (opts.prune && errors.length === 0) {
      const keep = applyset.memberKeys(rendered.map((s) => s.name));
      for (const c of await applyset.pruneCandidates(api, conn.namespace, id, keep)) {
        const d = await diffDeletion(api, conn.namespace, c.kind, c.name);
        if (d !== '') {
          differs = true;
          io.stdout(d);
        }
      }
    }
    for (const e of errors) io.stderr(formatError(e.message, e.hint));
    if (errors.length > 0) return EXIT.cluster;
    return differs ? EXIT.problems : EXIT.ok;
  } finally {
    api.close();
  }
}
