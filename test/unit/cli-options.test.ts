import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { duration } from '../../src/cli/flags.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli, script, tempTree } from '../helpers/cli.js';

describe('flag values', () => {
  it('--timeout takes Go durations as kubectl does, and plain seconds', () => {
    assert.equal(duration('90s'), 90_000);
    assert.equal(duration('1h30m'), 5_400_000);
    assert.equal(duration('1.5h'), 5_400_000);
    assert.equal(duration('2m500ms'), 120_500);
    assert.equal(duration('45'), 45_000);
    for (const bad of ['', '0', '0s', '5x', '1h 30m', 'h', '-5s', '5m garbage', '1000h']) assert.throws(() => duration(bad), /duration above zero|longer than/, bad);
  });
  it('--timeout help shows the default as a duration, not milliseconds', async () => {
    const r = await runCli(['apply', '--help'], tempTree({}));
    assert.match(r.stdout, /--timeout <duration>[^]*?\(default:\s+5m\)/);
    assert.doesNotMatch(r.stdout, /300000/);
  });
  it('a --templates folder that is missing, a file, or holds no template is an error (exit 2), not the built-in templates', async () => {
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq'), 'file.txt': 'x' });
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'pod.yaml'), 'typo in the extension');
    for (const [t, msg] of [['nope', /no such folder/], ['file.txt', /not a folder/], ['empty', /holds none of configmap\.yaml\.hbs, pod\.yaml\.hbs, job\.yaml\.hbs, cronjob\.yaml\.hbs, pod-spec\.yaml\.hbs[^]*found: pod\.yaml/]] as const) {
      const r = await runCli(['render', '--templates', t, 'a.sh'], dir);
      assert.equal(r.code, EXIT.usage, t);
      assert.match(r.stderr, msg, t);
      assert.equal(r.stdout, '', t);
    }
  });
});
