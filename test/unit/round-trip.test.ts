import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { checkScript } from '../../src/core/check/script.js';
import { createRenderer } from '../../src/core/render/manifests.js';
import { compileTemplates } from '../../src/core/render/templates.js';
import { toYamlStream, type Json } from '../../src/core/render/yaml-emit.js';
import { loadTemplates } from '../../src/io/templates.js';
import { randomText, rng } from '../helpers/random.js';

const FIXED_SEED = 20261127;
const SEEDS = [FIXED_SEED, Number(process.env.NIXPOD_SEED ?? Date.now() % 2 ** 31)];
const PER_SEED = 2000;
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const kubectlSkip = kubectl || process.env.NIXPOD_REQUIRE_KUBECTL ? false : 'kubectl is not installed';

async function renderAll(texts: readonly (string | Uint8Array)[]): Promise<string> {
  const templates = compileTemplates(await loadTemplates(undefined, process.cwd()));
  const render = createRenderer({ image: 'nixos/nix:2.29.0', namespace: null }, templates);
  // The text `nixpod render` prints; every other document is a Pod.
  return texts.map((t, i) => render(checkScript({ path: `s${i}.sh`, bytes: typeof t === 'string' ? new TextEncoder().encode(t) : t, explicit: true })).yaml()).join('');
}

/** kubectl reads YAML with Go's YAML 1.1 reader; `label --local` needs no server. */
function readWithKubectl(yaml: string): { data?: Record<string, string>; binaryData?: Record<string, string> }[] {
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-rt-'));
  const file = join(dir, 'all.yaml');
  writeFileSync(file, yaml);
  const r = spawnSync('kubectl', ['label', '--local', '-f', file, 'x=y', '-o', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split(/\n(?=\{\n)/).map((p) => JSON.parse(p));
}

describe('byte-exact ConfigMap data', () => {
  for (const seed of SEEDS) {
    describe(`seed ${seed} (replay with NIXPOD_SEED=${seed})`, () => {
      const r = rng(seed);
      const texts = Array.from({ length: PER_SEED }, () => randomText(r));
      it(`${PER_SEED} random scripts read back identically with the yaml library`, async () => {
        const docs = parseAllDocuments(await renderAll(texts)).filter((_, i) => i % 2 === 0);
        assert.equal(docs.length, texts.length);
        docs.forEach((d, i) => {
          assert.deepEqual(d.errors, []);
          const data = (d.toJS() as { data: Record<string, string> }).data;
          assert.equal(data[`s${i}.sh`], texts[i], `script ${i}: ${JSON.stringify(texts[i])}`);
        });
      });
      it(`${PER_SEED} random scripts read back identically with kubectl (Go, YAML 1.1)`, { skip: kubectlSkip }, async () => {
        const items = readWithKubectl(await renderAll(texts)).filter((_, i) => i % 2 === 0);
        assert.equal(items.length, texts.length);
        items.forEach((it, i) => assert.equal(it.data?.[`s${i}.sh`], texts[i], `script ${i}: ${JSON.stringify(texts[i])}`));
      });
    });
  }
  it('non-UTF-8 scripts go to binaryData, base64 of the exact bytes', async () => {
    const r = rng(7);
    const blobs = Array.from({ length: 200 }, () => new Uint8Array(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256))).map((b, i) => (i === 0 ? 0xff : b)));
    const docs = parseAllDocuments(await renderAll(blobs)).filter((_, i) => i % 2 === 0).map((d) => d.toJS() as { binaryData?: Record<string, string>; data?: unknown });
    docs.forEach((d, i) => {
      assert.equal(d.data, undefined);
      assert.deepEqual(new Uint8Array(Buffer.from(d.binaryData?.[`s${i}.sh`] ?? '', 'base64')), blobs[i]);
    });
  });
  it('YAML 1.1 traps are quoted', () => {
    const y = toYamlStream([{ a: 'yes', b: 'on', c: '0755', d: '~', e: 'a: b', f: 365 as Json }]);
    assert.equal(y, '---\na: "yes"\nb: "on"\nc: "0755"\nd: "~"\ne: "a: b"\nf: 365\n');
  });
});
