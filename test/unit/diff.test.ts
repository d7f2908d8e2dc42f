import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unifiedDiff } from '../../src/core/diff.js';
import { pick, rng } from '../helpers/random.js';

/** Apply a unified diff to `a` (a small patch(1)). */
function applyPatch(a: string, diff: string): string {
  const src = a === '' ? [] : a.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  for (const hunk of diff.split(/^@@ /m).slice(1)) {
    const [head = '', ...body] = hunk.split('\n');
    const start = Number(/^-(\d+)/.exec(head)?.[1]);
    const from = src.length === 0 ? 0 : Math.max(0, start - 1 + (/^-\d+,0 /.test(head) ? 1 : 0));
    while (at < from) out.push(src[at++] as string);
    for (const l of body) {
      if (l === '') continue;
      if (l[0] === ' ') out.push(src[at++] as string);
      else if (l[0] === '-') at++;
      else if (l[0] === '+') out.push(l.slice(1));
    }
  }
  while (at < src.length) out.push(src[at++] as string);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

describe('unified diff', () => {
  it('prints what diff -u prints', () => {
    assert.equal(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'live', 'merged'), '--- live\n+++ merged\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    assert.equal(unifiedDiff('', 'x\n', 'l', 'm'), '--- l\n+++ m\n@@ -0,0 +1,1 @@\n+x\n');
    assert.equal(unifiedDiff('same\n', 'same\n', 'l', 'm'), '');
  });
  it('applying the diff to the first text gives the second: 500 random pairs', () => {
    const r = rng(Number(process.env.NIXPOD_SEED ?? 7));
    const words = ['a', 'b', 'c', 'd', 'data:', '  run.sh: |', '    echo hi', ''];
    for (let i = 0; i < 500; i++) {
      const a = Array.from({ length: Math.floor(r() * 30) }, () => pick(r, words));
      const b = a.filter(() => r() > 0.15).flatMap((l) => (r() < 0.1 ? [l, pick(r, words)] : [l]));
      const ta = a.length ? `${a.join('\n')}\n` : '';
      const tb = b.length ? `${b.join('\n')}\n` : '';
      const d = unifiedDiff(ta, tb, 'a', 'b');
      assert.equal(d === '', ta === tb);
      assert.equal(applyPatch(ta, d), tb, `${JSON.stringify(ta)} -> ${JSON.stringify(tb)}\n${d}`);
    }
  });
});
