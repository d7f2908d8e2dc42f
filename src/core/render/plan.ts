import type { CheckedScript } from '../check/script.js';
import { finding, withPath, type Diagnostic } from '../diagnostic.js';
import { baseNameFor } from './names.js';

/** Two scripts whose file names give the same base would collide in names, labels and `-o` files. */
export function checkNameCollisions(scripts: readonly CheckedScript[]): Diagnostic[] {
  const byBase = new Map<string, CheckedScript[]>();
  for (const s of scripts) {
    if (s.skipped) continue;
    const base = baseNameFor(s.fileName);
    byBase.set(base, [...(byBase.get(base) ?? []), s]);
  }
  const out: Diagnostic[] = [];
  for (const [base, group] of byBase) {
    if (group.length < 2) continue;
    for (const s of group) {
      const others = group.filter((o) => o !== s).map((o) => o.path).join(', ');
      out.push(...withPath(s.path, [finding({ line: 1, col: 1 }, 'error', 'duplicate-name', `resource name '${base}' is also produced by ${others}`, 'rename one of the files, or render them in separate runs')]));
    }
  }
  return out;
}
