import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { baseNameFor, contentHasher, HASH_LENGTH } from '../../src/core/render/names.js';
import { quote } from '../../src/core/render/yaml-emit.js';
import { displayPath, RelativePaths } from '../../src/io/scan.js';
import { shebangCandidates, type SourceLine } from '../../src/core/shebang/lines.js';
import { pick, randomText, rng } from '../helpers/random.js';

/** The references: what quote and the hasher did before their fast paths (one regex; one update per piece). */
const ESCAPE = /["\\\x00-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g; // eslint-disable-line no-control-regex -- control characters are what it finds
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t' };
const referenceQuote = (s: string): string => `"${s.replace(ESCAPE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;

function referenceHash(prefix: readonly (string | Uint8Array)[], parts: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of [...prefix, ...parts]) {
    h.update(`${typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length}:`);
    h.update(p);
  }
  return h.digest('hex').slice(0, HASH_LENGTH);
}

/** The reference: every line of the file looked at, to the end. */
function referenceCandidates(text: string): { first: SourceLine | undefined; hashBang: SourceLine[] } {
  let first: SourceLine | undefined;
  const hashBang: SourceLine[] = [];
  text.split('\n').forEach((t, i) => {
    if (t === '') return;
    first ??= { text: t, line: i + 1 };
    if (t.startsWith('#!')) hashBang.push({ text: t, line: i + 1 });
  });
  return { first, hashBang };
}

// Surrogates alone, in pairs and reversed: the cases the fast quote hands to the full pattern.
const SURROGATES = ['\uD83D', '\uDE80', '\uD83D\uDE80', '\uDE80\uD83D', 'a\uDBFF', '\uDC00b'];
const randomString = (r: () => number): string => (r() < 0.3 ? randomText(r) + pick(r, SURROGATES) + randomText(r) : randomText(r));

describe('fast paths against their references on random input', () => {
  const SEED = Number(process.env.NIXPOD_SEED ?? 20261129);
  it(`shebang candidates: 5,000 random files of #! lines, empty lines and bodies (seed ${SEED})`, () => {
    const r = rng(SEED);
    const pieces = ['#!', '#! nix-shell -i bash', '#!/usr/bin/env nix-shell', '', '\r', ' #! not', 'echo #! x', '#', '!', '\n', 'body'];
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: Math.floor(r() * 12) }, () => (r() < 0.2 ? randomText(r) : pick(r, pieces))).join(pick(r, ['\n', '\n\n', '']));
      assert.deepEqual(shebangCandidates(text), referenceCandidates(text), JSON.stringify(text));
    }
  });

  it(`display paths worked out per folder: 3,000 random file and working-directory pairs (seed ${SEED})`, () => {
    const r = rng(SEED);
    const parts = ['a', 'b', 'ab', 'a b', '.x', 'x.sh', '中'];
    const path = (n: number): string => '/' + Array.from({ length: n }, () => pick(r, parts)).join('/');
    const cached = new RelativePaths();
    for (let i = 0; i < 3000; i++) {
      // A file is never a folder the working directory is in: its name is none of the folders'.
      const [file, cwd] = [`${path(Math.floor(r() * 4))}/job.sh`.replace('//', '/'), path(Math.floor(r() * 4))];
      assert.equal(displayPath(file, cwd, cached), displayPath(file, cwd), `${file} from ${cwd}`);
      assert.equal(cached.posix(cwd, file), relative(cwd, file));
    }
  });

  it(`quote: 5,000 random strings, lone and paired surrogates included (seed ${SEED})`, () => {
    const r = rng(SEED);
    for (let i = 0; i < 5000; i++) {
      const s = randomString(r);
      assert.equal(quote(s), referenceQuote(s), JSON.stringify(s));
    }
  });

  it(`the name hash: 2,000 random mixes of text and bytes, runs of text joined or not (seed ${SEED})`, () => {
    const r = rng(SEED);
    const part = (): string | Uint8Array => (r() < 0.5 ? randomString(r) : new TextEncoder().encode(randomText(r)));
    for (let i = 0; i < 2000; i++) {
      const prefix = Array.from({ length: Math.floor(r() * 3) }, part);
      const hasher = contentHasher(prefix);
      for (let k = 0; k < 3; k++) {
        const parts = Array.from({ length: Math.floor(r() * 6) }, part);
        assert.equal(hasher(parts), referenceHash(prefix, parts));
      }
    }
  });

  it('base names: the same answer the second time (made once per name)', () => {
    for (const n of ['a.sh', 'Deploy Prod.sh', '中文.sh', 'x'.repeat(90)]) assert.equal(baseNameFor(n), baseNameFor(n));
    assert.equal(baseNameFor('deploy-prod.sh'), 'deploy-prod-sh');
  });
});
