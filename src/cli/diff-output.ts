import type { ObjectDiff } from '../cluster/diff.js';
import { colourDiff, paint, type Colour } from './colour.js';

export type DiffStatus = 'added' | 'changed' | 'pruned' | 'unchanged';

const STATUS_COLOUR: Record<Exclude<DiffStatus, 'unchanged'>, Colour> = { added: 'green', changed: 'yellow', pruned: 'red' };

/** What apply would do to the object: create it, change it, delete it (--prune), or nothing. */
export function diffStatus(d: ObjectDiff, pruned: boolean): DiffStatus {
  if (d.diff === '') return 'unchanged';
  if (pruned) return 'pruned';
  return d.live === '' ? 'added' : 'changed';
}

/** Lines added and removed in a unified diff's hunks (its `---`/`+++` header not counted). */
export function diffStat(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  let inHunks = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('@@')) inHunks = true;
    else if (inHunks && line.startsWith('+')) added++;
    else if (inHunks && line.startsWith('-')) removed++;
  }
  return { added, removed };
}

/** One line before the object's hunks: `changed configmap/x (+2 -1)`. */
export function summaryLine(d: ObjectDiff, status: Exclude<DiffStatus, 'unchanged'>, colour: boolean): string {
  const { added, removed } = diffStat(d.diff);
  const counts = [added > 0 || status === 'added' ? `+${added}` : '', removed > 0 || status === 'pruned' ? `-${removed}` : ''].filter((c) => c !== '').join(' ');
  const what = `${d.kind.toLowerCase()}/${d.name} (${counts})`;
  return colour ? `${paint(STATUS_COLOUR[status], status)} ${paint('bold', what)}\n` : `${status} ${what}\n`;
}

/** nixpod's own output: per object that differs, its summary line, then its diff. */
export function formatDiffs(items: readonly { diff: ObjectDiff; status: DiffStatus }[], colour: boolean): string {
  return items
    .map(({ diff, status }) => (status === 'unchanged' ? '' : summaryLine(diff, status, colour) + (colour ? colourDiff(diff.diff) : diff.diff)))
    .join('');
}

/** The totals, on stderr after the diffs: `1 added, 2 changed, 0 pruned, 5 unchanged`. */
export function formatTotals(statuses: readonly DiffStatus[], failed = 0): string {
  const n = (s: DiffStatus) => statuses.filter((x) => x === s).length;
  return `${n('added')} added, ${n('changed')} changed, ${n('pruned')} pruned, ${n('unchanged')} unchanged${failed > 0 ? `, ${failed} not compared` : ''}\n`;
}
