import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { toYaml, toYamlStream, type Json } from '../../src/core/render/yaml-emit.js';
import { pick, randomText, rng } from '../helpers/random.js';

const SEEDS = [20261129, Number(process.env.NIXPOD_SEED ?? Date.now() % 2 ** 31)];
const DOCS = 400;
const kubectlSkip = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0 || process.env.NIXPOD_REQUIRE_KUBECTL ? false : 'kubectl is not installed';

/** Strings that stress block scalars: leading blanks (indentation indicators), several lines, chomping. */
function randomString(r: () => number): string {
  const lead = pick(r, ['', '', ' ', '  ', '\t', '\n', '   x\n']);
  const mid = r() < 0.5 ? randomText(r) : pick(r, ['  indented\nnext\n', 'a\n  b\n', '\n\nx', 'x\n\n', 'plain', '- item', '']);
  return lead + mid;
}

/** A random tree: strings in every position a manifest can hold them (map values and keys, sequence items, nested lists and maps). */
function randomTree(r: () => number, depth: number): Json {
  const k = r();
  if (depth <= 0 || k < 0.35) return r() < 0.9 ? randomString(r) : pick(r, [1, true, null] as Json[]);
  if (k < 0.65) return Array.from({ length: Math.floor(r() * 4) }, () => randomTree(r, depth - 1));
  const m: { [key: string]: Json } = {};
  for (let i = 0, n = Math.floor(r() * 4); i < n; i++) m[r() < 0.3 ? randomString(r) : `k${i}`] = randomTree(r, depth - 1);
  return m;
}

function randomDocs(seed: number): { [key: string]: Json }[] {
  const r = rng(seed);
  return Array.from({ length: DOCS }, (_, i) => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: `t${i}` }, spec: randomTree(r, 4) }));
}

describe('YAML writer: every position a string can take reads back exactly', () => {
  it('a literal block with an indentation indicator as a sequence item (the reported case)', () => {
    const doc = { x: ['  indented\nnext\n'], y: [['  a\nb\n']], z: [{ k: '  a\nb\n' }] };
    assert.deepEqual(parseAllDocuments(toYaml(doc))[0]?.toJS(), doc);
  });
  for (const seed of SEEDS) {
    const docs = randomDocs(seed);
    it(`seed ${seed}: ${DOCS} random trees, yaml library (replay with NIXPOD_SEED=${seed})`, () => {
      const parsed = parseAllDocuments(toYamlStream(docs));
      assert.equal(parsed.length, docs.length);
      parsed.forEach((d, i) => {
        assert.deepEqual(d.errors, [], `doc ${i}`);
        assert.deepEqual(d.toJS(), docs[i], `doc ${i}: ${JSON.stringify(docs[i])}`);
      });
    });
    it(`seed ${seed}: ${DOCS} random trees, kubectl's Go YAML 1.1 reader`, { skip: kubectlSkip }, () => {
      const file = join(mkdtempSync(join(tmpdir(), 'nixpod-yp-')), 'all.yaml');
      writeFileSync(file, toYamlStream(docs));
      const r = spawnSync('kubectl', ['label', '--local', '-f', file, 'x=y', '-o', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
      assert.equal(r.status, 0, r.stderr);
      const items = r.stdout.split(/\n(?=\{\n)/).map((p) => JSON.parse(p) as { spec?: Json });
      assert.equal(items.length, docs.length);
      items.forEach((it, i) => assert.deepEqual(it.spec ?? null, docs[i]?.spec ?? null, `doc ${i}: ${JSON.stringify(docs[i]?.spec)}`));
    });
  }
});
