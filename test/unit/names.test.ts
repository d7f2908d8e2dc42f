import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseNameFor, dataKeyFor, isDataKey, isDnsLabel, isItemPath } from '../../src/core/render/names.js';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { pick, rng } from '../helpers/random.js';

const HOSTILE = ['日本語.sh', 'テスト.sh', 'a.b.sh', 'a_b.sh', 'a-b.sh', 'A-B.sh', 'with space.sh', '-lead.sh', `${'x'.repeat(80)}1.sh`, `${'x'.repeat(80)}2.sh`, '..x.sh', '...', 'UPPER.SH', 'émoji🚀.py'];

describe('names and keys Kubernetes accepts (issue 8 §6)', () => {
  it('every base is a valid label, distinct for distinct file names, and the same every time', () => {
    const bases = HOSTILE.map(baseNameFor);
    for (const b of bases) assert.ok(isDnsLabel(`${b}-0123456789`), b);
    assert.equal(new Set(bases).size, HOSTILE.length, bases.join(' '));
    assert.deepEqual(HOSTILE.map(baseNameFor), bases);
    assert.equal(baseNameFor('deploy-prod.sh'), 'deploy-prod-sh', 'names that lose nothing stay as they were');
    assert.match(baseNameFor('日本語.sh'), /^sh-[0-9a-f]{6}$/);
  });

  it('the short way for plain names gives what the general rule gives', () => {
    // The general rule, as it was written before the short way for `deploy-prod.sh`-like names.
    const general = (name: string): string | undefined => {
      const s = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      return /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)?$/.test(name) && s.length <= 52 ? s : undefined;
    };
    const r = rng(7);
    const parts = ['a', 'z9', '0', 'deploy', '-', '.', '..', 'sh', '_', 'A', ' ', 'é', 'x'.repeat(20)];
    for (let i = 0; i < 5000; i++) {
      let name = '';
      const n = 1 + Math.floor(r() * 8);
      for (let j = 0; j < n; j++) name += pick(r, parts);
      const g = general(name);
      if (g !== undefined) assert.equal(baseNameFor(name), g, name);
      else assert.match(baseNameFor(name), /-[0-9a-f]{6}$/, name);
    }
  });

  it('every data key is one the API server takes', () => {
    for (const n of [...HOSTILE, '.', '..', '..', '', '.x', 'a/b', 'x'.repeat(300)]) assert.ok(isDataKey(dataKeyFor(n)), `${n} -> ${dataKeyFor(n)}`);
    assert.equal(dataKeyFor('..x.sh'), '_.x.sh');
    assert.equal(dataKeyFor('.x.sh'), '.x.sh');
    assert.equal(isItemPath('..x.sh'), false);
  });

  it('non-Latin names and a.b.sh / a_b.sh are no longer refused as duplicates', async () => {
    const dir = tempTree({ '日本語.sh': script('#! nix-shell -i bash -p jq'), 'テスト.sh': script('#! nix-shell -i bash -p jq'), 'a.b.sh': script('#! nix-shell -i bash -p jq'), 'a_b.sh': script('#! nix-shell -i bash -p jq') });
    const r = await runCli(['render', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    const names = [...r.stdout.matchAll(/^kind: Pod\nmetadata:\n {2}name: (\S+)$/gm)].map((m) => m[1]);
    assert.equal(new Set(names).size, 4, names.join(' '));
  });

  it('a script named ..x.sh that ships files is refused before any request (its volume path)', async () => {
    const dir = tempTree({ '..x.sh': script('#! nix-shell -i bash -p jq\n#! nix-shell -I lib=./lib'), 'lib/a.nix': '{ }\n' });
    const r = await runCli(['render', './..x.sh'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /\.\.x\.sh:1:1: error: the volume path '\.\.x\.sh' is not valid .*\[invalid-name\]/);
  });
});
