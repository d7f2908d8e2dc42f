import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseNameFor, dataKeyFor, isDataKey, isDnsLabel, isItemPath } from '../../src/core/render/names.js';
import { runCli, script, tempTree } from '../helpers/cli.js';

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
