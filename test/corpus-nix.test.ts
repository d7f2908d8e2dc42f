import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript } from '../src/core/check/script.js';
import { summarizeShebang } from '../src/core/shebang/parse.js';
import { flakeView } from './helpers/flake-view.js';
import { readTsv, sharedFile, sharedSkip } from './helpers/shared.js';

const text = (rel: string) => new TextDecoder().decode(sharedFile(rel));
const errorsOf = (c: ReturnType<typeof checkScript>) => c.diagnostics.filter((d) => d.severity === 'error');

interface Expected { exec_argv?: string[]; installables?: string[]; error?: string }

/** nixpod's reading of a `#! nix` script against what real Nix 2.26 did with it. */
function agreeWith26(rel: string, expected: Expected): void {
  const v = flakeView(text(rel));
  if (expected.error) {
    assert.ok(v.error, `Nix: ${expected.error}; nixpod found no error`);
    return;
  }
  // Nix ran it; nixpod may still refuse it for the Pod (a local flake), nothing else.
  if (v.error) assert.ok(v.podOnly, `Nix ran it, nixpod reports ${v.rules.join(', ')}`);
  assert.deepEqual(v.exec, expected.exec_argv ?? null, 'exec argv');
  if (v.packages !== null) assert.deepEqual(v.packages, expected.installables, 'installables');
}

describe('#! nix scripts: agreement with real Nix 2.26', { skip: sharedSkip }, () => {
  const corpus = sharedSkip ? [] : readTsv('corpus/EXPECTED.tsv').filter((r) => r.first_line === 'nix');
  const edges = sharedSkip ? [] : readTsv('nix-oracle/edge-cases/RESULTS.tsv').filter((r) => /^f\d\d/.test(r.case ?? ''));
  it('covers the corpus\'s #! nix scripts and the 12 edge cases', () => {
    assert.ok(corpus.length >= 8, `${corpus.length} corpus rows`);
    assert.equal(edges.length, 12);
  });
  for (const r of corpus) {
    it(`corpus/${r.file}`, () => {
      const flags = JSON.parse(r.other_flags ?? '{}') as { exec_argv?: string[] };
      const errored = (r.nix_errored ?? 'no') !== 'no';
      const expected: Expected = errored ? { error: r.nix_errored ?? '' } : { installables: JSON.parse(r.packages ?? '[]') as string[], ...(flags.exec_argv ? { exec_argv: flags.exec_argv } : {}) };
      agreeWith26(`corpus/${r.file}`, expected);
      const c = checkScript({ path: r.file ?? '', bytes: sharedFile(`corpus/${r.file}`), explicit: true });
      assert.equal(summarizeShebang(c.model).dialect, 'nix');
      if (!errored) assert.equal(summarizeShebang(c.model).interpreter ?? '', r.interpreter ?? '', 'interpreter');
    });
  }
  for (const r of edges) {
    it(`edge case ${r.case}`, () => agreeWith26(`nix-oracle/edge-cases/${r.case}`, JSON.parse(r['nix 2.26 (Debian trixie)'] ?? '{}') as Expected));
  }
});

const IMAGE_28 = 'nixos/nix:2.8.0';
const check28 = (rel: string) => checkScript({ path: rel, bytes: sharedFile(rel), explicit: true, image: IMAGE_28 });

/**
 * Nix 2.8 resolves relative paths in -p, --arg and -E against the working
 * directory; the oracle ran it elsewhere than the script's folder, while the
 * Pod runs it in the script's folder (nixpod ships the files there). Such
 * failures are the oracle's working directory, not a reading nixpod must share.
 */
const CWD_ERROR = /getting status of '(?:<CWD>|)\//;

describe('the Pod runs nixos/nix:2.8.0: agreement with real Nix 2.8', { skip: sharedSkip }, () => {
  const corpus = sharedSkip ? [] : readTsv('corpus/EXPECTED.tsv');
  for (const r of corpus) {
    it(`corpus/${r.file}`, () => {
      const c = check28(`corpus/${r.file}`);
      const errored = (r['nix_errored_nix2.8'] ?? 'no') !== 'no';
      if (r.first_line === 'nix') {
        assert.ok(errorsOf(c).some((d) => d.rule === 'nix-too-old'), 'Nix 2.8 has no #! nix scripts');
        return;
      }
      const argv = r['argv_nix2.8'] ? (JSON.parse(r['argv_nix2.8']) as string[]) : [];
      assert.deepEqual(c.model.words.map((w) => w.value), argv, 'the words of the #! nix-shell lines');
      if (errored) {
        if (!CWD_ERROR.test(r['nix_errored_nix2.8'] ?? '')) assert.ok(errorsOf(c).length > 0, `Nix 2.8: ${r['nix_errored_nix2.8']}; nixpod found no error`);
        return;
      }
      const s = summarizeShebang(c.model);
      assert.deepEqual(s.packages, JSON.parse(r['packages_nix2.8'] ?? '[]'), 'packages');
      assert.equal(s.interpreter ?? '', r['interpreter_nix2.8'] ?? '', 'interpreter');
    });
  }
  const edges = sharedSkip ? [] : readTsv('nix-oracle/edge-cases/RESULTS.tsv');
  for (const r of edges) {
    it(`edge case ${r.case}`, () => {
      const c = check28(`nix-oracle/edge-cases/${r.case}`);
      const cell = r['nix 2.8 (Debian bookworm)'] ?? '';
      if (cell.startsWith('n/a')) {
        assert.ok(errorsOf(c).some((d) => d.rule === 'nix-too-old'));
        return;
      }
      const expected = JSON.parse(cell) as { argv?: string[]; p_words?: string[]; i?: string; error?: string };
      if (expected.error) assert.ok(errorsOf(c).length > 0, `Nix 2.8: ${expected.error}; nixpod found no error`);
      // The first line is not #! (e08): nix-shell takes the file as an expression, no words are read.
      if (expected.argv && c.model.hasShebang) assert.deepEqual(c.model.words.map((w) => w.value), expected.argv, 'words');
      if (expected.error) return;
      const s = summarizeShebang(c.model);
      if (expected.p_words) assert.deepEqual(s.packages, expected.p_words, 'packages');
      assert.equal(s.interpreter, expected.i ?? null, 'interpreter');
    });
  }
});
