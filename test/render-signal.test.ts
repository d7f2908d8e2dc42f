import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './helpers/cli.js';

/** A folder of `n` small scripts: enough output for many write batches. */
function scripts(n: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'nixpod-sig-')), 's');
  mkdirSync(dir);
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `job-${i}.sh`), `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I nixpkgs=https://example.org/n.tar.gz\necho ${i}\n`);
  return dir;
}

/** Runs render, sends `sig` when the first output arrives, and reads on: how it ends, and how much it wrote. */
function interrupted(args: string[], sig: NodeJS.Signals): Promise<{ code: number | null; bytes: number }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, 'render', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    p.stdout.on('data', (b: Buffer) => {
      if (bytes === 0) p.kill(sig);
      bytes += b.length;
    });
    p.on('close', (code) => resolve({ code, bytes }));
  });
}

describe('render to stdout stops on a signal', () => {
  const dir = scripts(3000);
  for (const [format, sig, code] of [['yaml', 'SIGINT', 130], ['json', 'SIGTERM', 143]] as const) {
    it(`${format}: ${sig} between batches ends the stream, exit ${code}`, async () => {
      const full = spawnSync(process.execPath, [BIN, 'render', '--format', format, dir], { maxBuffer: 1 << 28 });
      assert.equal(full.status, 0);
      const r = await interrupted(['--format', format, dir], sig);
      assert.equal(r.code, code);
      assert.ok(r.bytes > 0 && r.bytes < full.stdout.length / 2, `wrote ${r.bytes} of ${full.stdout.length} bytes`);
    });
  }
});
