import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sortUnique } from '../../src/cli/commands/load.js';
import { compareDiagnostics, type Diagnostic } from '../../src/core/diagnostic.js';
import { pick, rng } from '../helpers/random.js';

/** What loadAndCheck did before: drop later copies by a string key, then a stable sort. */
function reference(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const k = `${d.path}:${d.line}:${d.col}:${d.rule}:${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort(compareDiagnostics);
}

describe('sortUnique', () => {
  it('keeps the same findings in the same order as a filter then a sort (random findings)', () => {
    const r = rng(3);
    for (let n = 0; n < 300; n++) {
      const ds: Diagnostic[] = Array.from({ length: Math.floor(r() * 40) }, (_, i) => ({ path: pick(r, ['a.sh', 'b.sh', 'nixpod.yaml']), line: 1 + Math.floor(r() * 3), col: 1 + Math.floor(r() * 2), severity: pick(r, ['error', 'warning'] as const), rule: pick(r, ['x', 'y']), message: pick(r, ['m', 'n', 'o']), hint: `h${i}` }));
      const got = sortUnique([...ds]);
      const want = reference(ds);
      // The same objects, not only equal ones: the hint tells which copy was kept.
      assert.deepStrictEqual(got, want);
      got.forEach((d, i) => assert.equal(d, want[i]));
    }
  });
});
