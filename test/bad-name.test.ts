import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, script } from './helpers/cli.js';

describe('file names that are not UTF-8', () => {
  it('are left out of a walk and counted, not a failure of the whole run; a real U+FFFD in a name is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nixpod-badname-'));
    const body = script('#! nix-shell -i bash -p jq -I nixpkgs=https://example.org/n.tar.gz');
    writeFileSync(join(dir, 'ok.sh'), body);
    // Byte 0xff is never UTF-8: Node lists the name with U+FFFD, which opens nothing.
    writeFileSync(Buffer.from(`${join(dir, 'bad')}\xff.sh`, 'latin1'), body);
    writeFileSync(join(dir, 'real-\uFFFD.sh'), body);
    const r = await runCli(['render', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/^kind: ConfigMap$/gm) ?? []).length, 2);
    assert.match(r.stderr, /in 2 scripts \(1 file with a name that is not UTF-8 skipped: rename them to read them\)/);
  });
});
