import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript } from '../src/core/check/script.js';
import { summarizeShebang } from '../src/core/shebang/parse.js';
import { readTsv, sharedFile, sharedSkip } from './helpers/shared.js';

const check = (rel: string) => checkScript({ path: rel, bytes: sharedFile(rel), explicit: true });
const errorsOf = (c: ReturnType<typeof check>) => c.diagnostics.filter((d) => d.severity === 'error');

describe('agreement with real Nix 2.26 on the real-world corpus', { skip: sharedSkip }, () => {
  const rows = sharedSkip ? [] : readTsv('corpus/EXPECTED.tsv').filter((r) => r.first_line === 'nix-shell' || r.first_line?.startsWith('other:'));
  it('covers the nix-shell scripts of the corpus', () => assert.ok(rows.length >= 60, `${rows.length} rows`));
  for (const r of rows) {
    it(r.file ?? '?', () => {
      const c = check(`corpus/${r.file}`);
      const s = summarizeShebang(c.model);
      const nixErrored = (r.nix_errored ?? 'no') !== 'no';
      if (nixErrored) {
        assert.ok(errorsOf(c).length > 0, `Nix errored (${r.nix_errored}) but nixpod found no error`);
        return;
      }
      assert.deepEqual(s.packages, JSON.parse(r.packages ?? '[]'), 'packages');
      assert.equal(s.interpreter ?? '', r.interpreter ?? '', 'interpreter');
      const flags = JSON.parse(r.other_flags ?? '{}') as { pure?: boolean; keep?: string[]; '-I'?: string[]; run?: string };
      if (flags.pure !== undefined) assert.equal(s.pure, flags.pure, 'pure');
      assert.deepEqual(s.keep, flags.keep ?? [], 'keep');
      assert.deepEqual(s.nixPath, flags['-I'] ?? [], '-I');
      if (flags.run !== undefined) assert.equal(s.run, flags.run, 'run');
    });
  }
});

interface OracleResult { p_words?: string[]; i?: string; run?: string; IN_NIX_SHELL?: string; keep?: string[]; error?: string }

describe('agreement with real Nix 2.26 on the edge cases e01-e30', { skip: sharedSkip }, () => {
  const rows = sharedSkip ? [] : readTsv('nix-oracle/edge-cases/RESULTS.tsv').filter((r) => /^e\d\d/.test(r.case ?? ''));
  it('has all 30 cases', () => assert.equal(rows.length, 30));
  for (const r of rows) {
    it(r.case ?? '?', () => {
      const expected = JSON.parse(r['nix 2.26 (Debian trixie)'] ?? '{}') as OracleResult;
      const c = check(`nix-oracle/edge-cases/${r.case}`);
      const s = summarizeShebang(c.model);
      if (expected.error) assert.ok(errorsOf(c).length > 0, `Nix: ${expected.error}; nixpod found no error`);
      if (expected.p_words) assert.deepEqual(s.packages, expected.p_words, 'packages');
      if (expected.error) return;
      assert.equal(s.interpreter, expected.i ?? null, 'interpreter');
      assert.equal(s.run, expected.run ?? null, 'run');
      assert.equal(s.pure, expected.IN_NIX_SHELL === 'pure', 'pure');
      assert.deepEqual(s.keep, expected.keep ?? [], 'keep');
    });
  }
});
