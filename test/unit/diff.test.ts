import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { diffLabel, unifiedDiff } from '../../src/core/diff.js';
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
  it('is a shortest edit script: as many changed lines as an O(NM) LCS table says, 300 random pairs', () => {
    const r = rng(Number(process.env.NIXPOD_SEED ?? 11));
    const lcs = (a: string[], b: string[]): number => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
      return t[a.length]![b.length]!;
    };
    for (let i = 0; i < 300; i++) {
      const a = Array.from({ length: Math.floor(r() * 40) }, () => pick(r, ['a', 'b', 'c', 'd']));
      const b = Array.from({ length: Math.floor(r() * 40) }, () => pick(r, ['a', 'b', 'c', 'd']));
      const d = unifiedDiff(a.length ? `${a.join('\n')}\n` : '', b.length ? `${b.join('\n')}\n` : '', 'a', 'b');
      // With context wider than the texts, one hunk holds every line once.
      const changed = d.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;
      assert.equal(changed, a.length + b.length - 2 * lcs(a, b), `${a.join('')} -> ${b.join('')}`);
    }
  });
  it('a new 20,000-line object: every line added, in linear memory', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `    echo line ${i}`).join('\n') + '\n';
    const before = process.memoryUsage().rss;
    const d = unifiedDiff('', big, 'live', 'merged');
    assert.equal(d.split('\n').filter((l) => l.startsWith('+    echo')).length, 20_000);
    // The quadratic table took 3 GB here; linear space stays far below 200 MB.
    assert.ok(process.memoryUsage().rss - before < 200 * 2 ** 20);
    const changed = big.replace('echo line 10000\n', 'echo changed\n');
    assert.match(unifiedDiff(big, changed, 'a', 'b'), /^@@ -9998,7 \+9998,7 @@\n(?: .*\n){3}- {4}echo line 10000\n\+ {4}echo changed\n/m);
  });
  it('a last line without its newline is marked as GNU diff marks it, and differs from the same line with one', () => {
    const m = '\\ No newline at end of file\n';
    assert.equal(unifiedDiff('a\nb', 'a\nB', 'x', 'y'), `--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n${m}+B\n${m}`);
    assert.equal(unifiedDiff('a\nb', 'a\nb\n', 'x', 'y'), `--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n${m}+b\n`);
    assert.equal(unifiedDiff('a\nb\n', 'a\nb', 'x', 'y'), `--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n${m}`);
    // Out of the context, the last line needs no marker (as diff -u prints it).
    assert.equal(unifiedDiff('A\nb\nc\nd\ne', 'a\nb\nc\nd\ne', 'x', 'y'), '--- x\n+++ y\n@@ -1,4 +1,4 @@\n-A\n+a\n b\n c\n d\n');
    assert.equal(unifiedDiff('A\nb\nc\nd', 'a\nb\nc\nd', 'x', 'y'), `--- x\n+++ y\n@@ -1,4 +1,4 @@\n-A\n+a\n b\n c\n d\n${m}`);
    assert.equal(unifiedDiff('', 'x', 'l', 'm'), `--- l\n+++ m\n@@ -0,0 +1,1 @@\n+x\n${m}`);
    assert.equal(unifiedDiff('same', 'same', 'l', 'm'), '');
  });
  it('labels: a tab after a name with a space, C quotes for quotes, backslashes and control characters', () => {
    assert.equal(diffLabel('a/plain.sh'), 'a/plain.sh');
    assert.equal(diffLabel('a/my dir/x.sh'), 'a/my dir/x.sh\t');
    assert.equal(diffLabel('a/q"\\\t\n\x01.sh'), '"a/q\\"\\\\\\t\\n\\001.sh"');
    assert.equal(diffLabel('a/日本.sh'), 'a/日本.sh');
  });
  describe('the real patch -p1 and git apply take it', () => {
    const have = (cmd: string): boolean => spawnSync(cmd, ['--version']).status === 0;
    const cases: [string, string, string][] = [
      ['no newline at the end, changed', 'x.sh', '#!/bin/sh\necho \'hi\''],
      ['no newline at the end, kept', 'x.sh', "#!/bin/sh\necho 'hi'\necho 1\necho 2\necho 3\necho 4\necho end"],
      ['a path with spaces', 'my dir/a b.sh', "#!/bin/sh\necho 'hi'\n"],
      ['a path with spaces, no final newline', 'my dir/a b.sh', "#!/bin/sh\necho 'hi'"],
      ['a path with a quote and a tab', 'we"ird\tname.sh', "#!/bin/sh\necho 'hi'\n"],
    ];
    for (const tool of ['patch', 'git'] as const) {
      for (const [what, path, before] of cases) {
        it(`${tool}: ${what}`, { skip: have(tool) ? false : `${tool} is not installed` }, () => {
          const after = before.replace("'hi'", '"hi"');
          const dir = mkdtempSync(join(tmpdir(), 'nixpod-diff-'));
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), before);
          const diff = unifiedDiff(before, after, `a/${path}`, `b/${path}`);
          const argv = tool === 'patch' ? ['patch', ['-p1', '--batch', '--silent']] as const : ['git', ['apply', '-p1', '-']] as const;
          const r = spawnSync(argv[0], argv[1], { cwd: dir, input: diff, encoding: 'utf8' });
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}\n${diff}`);
          assert.equal(readFileSync(join(dir, path), 'utf8'), after, diff);
        });
      }
    }
  });
});
