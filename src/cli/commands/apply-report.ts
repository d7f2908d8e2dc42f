import type { DryRun, ObjectResult } from '../../cluster/apply.js';
import { isTimeout } from '../../cluster/cancel.js';
import { SAME_FOR_ALL, SAID_ONCE, sayOnce } from '../../cluster/explain.js';
import type { PodOutcome, WaitResult } from '../../cluster/pods.js';
import type { Ref } from '../../cluster/prune.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatError } from '../reporter.js';

export type Output = 'text' | 'json';

export const dryRunSuffix = (d: DryRun): string => (d === 'server' ? ' (server dry run)' : d === 'client' ? ' (dry run)' : '');

/**
 * Each object's line as it is done; an error about the namespace, or a
 * cancel, is said once for all objects. A failure of the connection or the
 * credentials (unreachable, 401) is said at the end, once, with how many
 * objects it stopped (see finish).
 */
export function reporter(output: Output, io: CliIo): { results: ObjectResult[]; report: (r: ObjectResult) => void } {
  const results: ObjectResult[] = [];
  const said = new Set<string>();
  const report = (r: ObjectResult): void => {
    results.push(r);
    if (output !== 'text') return;
    if (!r.error) return io.stdout(`${r.kind.toLowerCase()}/${r.name} ${r.action}${r.note ? `: ${r.note}` : ''}${dryRunSuffix(r.dryRun)}\n`);
    if (SAME_FOR_ALL.has(r.error.kind)) return;
    if (SAID_ONCE.has(r.error.kind) && said.has(r.error.message)) return;
    said.add(r.error.message);
    io.stderr(formatError(r.error.message, r.error.hint));
  };
  return { results, report };
}

/** How each Pod or Job ended; nothing after SIGINT or SIGTERM (the exit code says it) or when the wait failed (where they got to is no outcome). */
export function sayOutcomes(waited: WaitResult, io: CliIo, signal: AbortSignal): void {
  if ((signal.aborted && !isTimeout(signal.reason)) || waited.error) return;
  for (const o of waited.outcomes) io.stderr(describeOutcome(o));
}

export function describeOutcome(o: PodOutcome): string {
  const what = `${(o.kind ?? 'Pod').toLowerCase()}/${o.name} (${o.script})`;
  if (o.phase === 'Succeeded') return `${what} succeeded\n`;
  const why = o.reason ? `: ${o.reason}` : o.phase === 'Failed' ? '' : ` (still ${o.phase} at the timeout)`;
  const events = o.events.map((e) => `  event: ${e}\n`).join('');
  return `${what} ${o.phase === 'Failed' ? 'failed' : 'did not finish'}${why}\n${events}`;
}

/**
 * nixpod's objects outside any ApplySet (applied without --prune): left alone,
 * with how to adopt them into the set or delete them.
 */
export function sayOrphans(orphans: readonly Ref[], namespace: string, io: CliIo): void {
  if (orphans.length === 0) return;
  const names = orphans.map((o) => `${o.kind.toLowerCase()}/${o.name}`);
  const n = orphans.length;
  io.stderr(
    `nixpod: warning: ${n} nixpod object${n === 1 ? '' : 's'} in namespace ${namespace} belong${n === 1 ? 's' : ''} to no ApplySet (applied without --prune), left alone: ${names.join(', ')}\n` +
      `  hint: to let --prune manage one, apply its script with --prune (an object of an older version of a script has nothing to re-apply); to delete them: kubectl delete -n ${namespace} ${names.join(' ')}\n`,
  );
}

export function summary(results: readonly ObjectResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.error?.kind === 'cancelled' ? 'not applied' : r.action;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** `2 created, 1 deleted, 1 configmap kept: still mounted by job/x (running)`. */
function summaryLine(results: readonly ObjectResult[], dryRun: DryRun): string {
  const parts = Object.entries(summary(results)).filter(([k, n]) => n > 0 && k !== 'kept').map(([k, n]) => `${n} ${k}`);
  const mounted = (r: ObjectResult): boolean => r.note?.startsWith('still mounted by ') === true;
  const kept = results.filter((r) => r.action === 'kept' && mounted(r));
  const changed = results.filter((r) => r.action === 'kept' && !mounted(r)).length;
  if (changed > 0) parts.push(`${changed} not pruned: changed since listed (applied again meanwhile, maybe by another set)`);
  if (kept.length > 0) {
    const users = [...new Set(kept.map((r) => (r.note ?? '').replace(/^still mounted by /, '')))].join(', ');
    parts.push(`${kept.length} configmap${kept.length === 1 ? '' : 's'} kept: still mounted by ${users} (a later --prune deletes ${kept.length === 1 ? 'it' : 'them'} once done)`);
  }
  return `${parts.join(', ') || 'nothing to apply'}${dryRunSuffix(dryRun)}\n`;
}

export interface Finish {
  output: Output;
  dryRun: DryRun;
  orphans?: readonly Ref[] | undefined;
}

export function finish(results: readonly ObjectResult[], outcomes: readonly PodOutcome[], f: Finish, io: CliIo, code?: number): number {
  const failed = results.filter((r) => r.error).length;
  const workFailed = outcomes.filter((o) => o.phase !== 'Succeeded').length;
  if (f.output === 'json') {
    const items = results.map(({ error, ...r }) => ({ ...r, ...(error ? { error: { message: error.message, hint: error.hint } } : {}) }));
    io.stdout(JSON.stringify({ items, pods: outcomes, ...(f.orphans ? { orphans: f.orphans } : {}), summary: summary(results) }, null, 2) + '\n');
  } else {
    for (const e of sayOnce(results.flatMap((r) => (r.error && SAME_FOR_ALL.has(r.error.kind) ? [r.error] : [])))) io.stderr(formatError(e.message, e.hint));
    io.stderr(summaryLine(results, f.dryRun));
  }
  if (code !== undefined) return code;
  if (failed > 0) return EXIT.cluster;
  return workFailed > 0 ? EXIT.problems : EXIT.ok;
}

/** A preview (a dry run, diff) of a set that another run holds: it goes on, and says so. */
export function heldWarning(held: { id: string; until: number }, parent: string): string {
  return `nixpod: warning: another nixpod apply --prune of this set is running (run ${held.id}, in configmap/${parent}, until ${new Date(held.until).toISOString()}): what it applies and prunes may change what this shows\n`;
}
