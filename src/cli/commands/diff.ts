import type { ObjectDiff } from '../../cluster/diff.js';
import { sayOnce, type Explained } from '../../cluster/explain.js';
import { stdoutIsTerminal, useColour, type ColourWhen } from '../colour.js';
import { diffStatus, formatDiffs, formatTotals, type DiffStatus } from '../diff-output.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatError } from '../reporter.js';
import type { ClusterOptions } from './apply.js';
import { heldWarning } from './apply-report.js';
import { checkAndRender, openCluster } from './prepare.js';
import { lifetime } from '../../cluster/cancel.js';

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
  /** --color: auto (a terminal, without NO_COLOR), always or never. */
  color?: ColourWhen;
  /** --timeout: how long the whole diff may take (every request and retry included). */
  timeoutMs?: number | undefined;
}

interface Compared {
  diff: ObjectDiff;
  status: DiffStatus;
}

/**
 * `nixpod diff`: exit 0 when the cluster already matches, 1 when it differs, 2 or 3 on errors (kubectl diff: more than 1):
 * scripts with errors are bad input (2), never 1, which says differences were found.
 * With KUBECTL_EXTERNAL_DIFF set, that program shows the differences and its 0 or 1 is the exit code, as with kubectl.
 */
export async function runDiff(opts: DiffCommandOptions, io: CliIo): Promise<number> {
  const rendered = await checkAndRender({ paths: opts.paths, namespace: opts.namespace ?? null, image: opts.image, kind: opts.kind, runtime: opts.runtime, templates: opts.templates, config: opts.config, quiet: opts.quiet, nixVersion: opts.nixVersion }, io);
  if (!rendered) return EXIT.usage;
  const [{ mapLimit }, { diffObject }, applyset] = await Promise.all([import('../../cluster/apply.js'), import('../../cluster/diff.js'), import('../../cluster/applyset.js')]);
  const { checkKinds } = await import('../../cluster/kinds.js');
  for (const s of rendered) checkKinds(s.path, s.objects());
  const keep = applyset.memberKeys(rendered.flatMap((s) => s.objects()));
  if (opts.prune) applyset.requireMembers(keep);
  const api = await openCluster(opts, io, lifetime(io.signal, opts.timeoutMs));
  const conn = api.conn;
  try {
    const id = applyset.applySetId(opts.applyset, conn.namespace);
    if (opts.prune) {
      const { heldBy } = await applyset.claimParent(api, opts.applyset, conn.namespace, opts.version);
      if (heldBy) io.stderr(heldWarning(heldBy, opts.applyset));
    }
    const objects = rendered.flatMap((s) => s.objects()).map((o) => (opts.prune ? applyset.asMember(o, id) : o));
    const results = await mapLimit(objects, opts.concurrency, (o) => diffObject(api, conn.namespace, o, opts.fieldManager, opts.forceConflicts));
    const errors: Explained[] = [];
    const compared: Compared[] = [];
    for (const r of results) {
      if ('error' in r) errors.push(r.error);
      else compared.push({ diff: r, status: diffStatus(r, false) });
    }
    // Objects that could not be compared are counted in the totals too.
    const failed = errors.length;
    if (opts.prune && errors.length === 0) compared.push(...(await diffPrune(api, id, keep, opts, errors)));
    try {
      const code = compared.length > 0 ? await show(compared, opts, io) : EXIT.ok;
      if (compared.length > 0 || failed > 0) io.stderr(formatTotals(compared.map((c) => c.status), failed));
      return errors.length > 0 ? EXIT.cluster : code;
    } finally {
      // Said even when the diff program failed: what could not be compared is not lost.
      for (const e of sayOnce(errors)) io.stderr(formatError(e.message, e.hint));
    }
  } finally {
    api.close();
  }
}

type Api = import('../../cluster/http.js').Api;

/** What apply --prune would delete, as diffs to nothing. Failures go to `errors`. */
async function diffPrune(api: Api, id: string, keep: ReadonlySet<string>, opts: DiffCommandOptions, errors: Explained[]): Promise<Compared[]> {
  const [{ mapLimit }, { diffDeletion }, prune, { explainError, explainResponse }] = await Promise.all([import('../../cluster/apply.js'), import('../../cluster/diff.js'), import('../../cluster/prune.js'), import('../../cluster/explain.js')]);
  const ns = api.conn.namespace;
  let candidates: { kind: string; name: string }[];
  try {
    const all = await prune.pruneCandidates(api, ns, id, keep);
    // As apply --prune would: a ConfigMap that unfinished work still mounts is kept.
    const users = all.some((c) => c.kind === 'ConfigMap') ? await prune.configMapUsers(api, ns, all.filter((c) => c.kind !== 'ConfigMap')) : new Map<string, string[]>();
    candidates = all.filter((c) => c.kind !== 'ConfigMap' || !users.has(c.name));
  } catch (e) {
    errors.push(e instanceof prune.ListError ? explainResponse(e.response, 'list for --prune', ns, { command: 'diff' }) : explainError(e, 'list for --prune', api.conn.server, 'compared'));
    return [];
  }
  const out: Compared[] = [];
  for (const r of await mapLimit(candidates, opts.concurrency, (c) => diffDeletion(api, ns, c.kind, c.name))) {
    if ('error' in r) errors.push(r.error);
    // Gone already: nothing to prune, and nothing to count.
    else if (r.diff !== '') out.push({ diff: r, status: diffStatus(r, true) });
  }
  return out;
}

/** The differences, by KUBECTL_EXTERNAL_DIFF or nixpod's own (summary line and coloured hunks per object). */
async function show(compared: readonly Compared[], opts: DiffCommandOptions, io: CliIo): Promise<number> {
  const external = io.env.KUBECTL_EXTERNAL_DIFF ?? '';
  let code: number;
  if (external !== '') {
    const { parseExternalDiff, runExternalDiff } = await import('../external-diff.js');
    code = await runExternalDiff(parseExternalDiff(external), compared.map((c) => c.diff), io);
  } else {
    io.stdout(formatDiffs(compared, useColour(opts.color ?? 'auto', io.env, stdoutIsTerminal())));
    code = compared.some((c) => c.status !== 'unchanged') ? EXIT.problems : EXIT.ok;
  }
  return code;
}
