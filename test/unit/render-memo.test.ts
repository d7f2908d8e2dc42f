import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript, type CheckedScript } from '../../src/core/check/script.js';
import { fillJson, jsonTemplate, mayHoldSentinels } from '../../src/core/render/json-template.js';
import { createRenderer, type RenderedScript } from '../../src/core/render/manifests.js';
import { compileTemplates } from '../../src/core/render/templates.js';
import type { RenderOptions } from '../../src/core/render/context.js';
import type { Settings } from '../../src/core/settings/types.js';
import { loadTemplates } from '../../src/io/templates.js';
import { ROOT, script } from '../helpers/cli.js';
import { pick, randomText, rng } from '../helpers/random.js';
import { randomSettings, resolved } from '../helpers/settings.js';

// Strings that JSON, YAML or the sentinels and placeholders could get wrong.
const HOSTILE = ['', 'a', '"', '\\', '"\\"', '\u2028', '\u2029', '\uD800', '\uDC00x', '🚀', '中文', '\x00\x1f\x7f', '\uE000', '\uE003', '\uE0F0', '\uE0F1', '\uE0F00:3\uE0F1', '\uE0F01:4\uE0F1', '</script>', 'yes', '0755'];
const hostile = (r: () => number): string => (r() < 0.5 ? pick(r, HOSTILE) + randomText(r) + pick(r, HOSTILE) : randomText(r));

describe('the hashed JSON written from a template', () => {
  const SEED = Number(process.env.NIXPOD_SEED ?? 20261129);
  it(`3,000 random documents: the template filled in is JSON.stringify to the byte, or declined (seed ${SEED})`, () => {
    const r = rng(SEED);
    let declined = 0;
    for (let i = 0; i < 3000; i++) {
      const fixed = Array.from({ length: 4 }, () => hostile(r));
      const doc = (slot: (n: number) => string) => ({ a: slot(0), fixed: fixed[0], list: [fixed[1], slot(1), slot(0)], nested: { [fixed[2] as string]: slot(2), k: fixed[3] }, n: 1, z: null });
      const values = [hostile(r), hostile(r), hostile(r)];
      // Built once when the document's own strings cannot hold a sentinel, else twice: both must agree with JSON.stringify.
      const t = jsonTemplate(doc, r() < 0.5 || mayHoldSentinels(JSON.stringify(fixed)));
      if (!t) {
        declined++;
        assert.ok(fixed.some((f) => /[\uE0F0\uE0F1]/.test(f)), `declined only for the sentinel characters: ${JSON.stringify(fixed)}`);
        continue;
      }
      assert.equal(fillJson(t, values), JSON.stringify(doc((n) => values[n] as string)), JSON.stringify({ fixed, values }));
    }
    assert.ok(declined > 0 && declined < 2000, `${declined} declined`);
  });

  it('a string of the document that looks exactly like a sentinel is never taken for a slot', () => {
    for (const forged of ['\uE0F00:0\uE0F1', '\uE0F01:0\uE0F1']) assert.equal(jsonTemplate((slot) => ({ mine: slot(0), theirs: forged })), undefined);
  });
});

const PKGS = ['jq', 'curl', '"python3.withPackages (ps: [ ps.requests ])"', 'yes', 'on', 'x\\"y', '\uE0F00:3\uE0F1', 'a\uE0F1'];
const NAMES = ['a.sh', 'Deploy Prod.sh', 'yes', 'on.py', '中文.sh', 'x'.repeat(70), '0755', 'q"uote.sh', 'back\\slash.sh', 'line\u2028sep.sh', 'mark\uE002.sh', 'sent\uE0F0.sh', '-', '.hidden.sh'];
const HEADERS = ['#! nix-shell -i bash -p jq', '#! nix-shell -i python3 -p jq curl\n#! nix-shell -I nixpkgs=https://x/y.tar.gz', '#! nix-shell -i bash -p yes on --pure --keep HOME', '#! nix-shell -p jq --run "echo hi"'];
const FLAKE = '#!/usr/bin/env nix\n#! nix shell nixpkgs#jq --command bash';

/** A header of its own per script, or one of a few (with a model object shared as the check side will share it). */
function randomScripts(r: () => number, settings: (Partial<Settings> | undefined)[]): CheckedScript[] {
  const out: CheckedScript[] = [];
  const shapes = settings.map((s) => (s === undefined ? undefined : resolved(s)));
  for (let i = 0; i < 40; i++) {
    const header = r() < 0.15 ? FLAKE : r() < 0.2 ? `#! nix-shell -i bash -p ${pick(r, PKGS)} ${pick(r, PKGS)}` : pick(r, HEADERS);
    const name = `${i}-${pick(r, NAMES)}`;
    const bytes = r() < 0.1 ? new Uint8Array([0x23, 0x21, 0xff, 0xfe, Math.floor(r() * 256)]) : new TextEncoder().encode(script(header, randomText(r)));
    const source = r() < 0.1 ? pick(r, HOSTILE) || 'x' : `repo/${name}`;
    const c = checkScript({ path: `dir/${name}`, bytes, explicit: true, source });
    const k = Math.floor(r() * shapes.length);
    const sharedSettings = r() < 0.5 ? shapes[k] : settings[k] === undefined ? undefined : resolved(settings[k] as Partial<Settings>);
    const prev = out[Math.floor(r() * out.length)];
    // Half of them take a model from an earlier script of the same header: one object for both, as the check side may give.
    const model = prev && prev.model.dialect === c.model.dialect && r() < 0.5 && new TextDecoder().decode(prev.bytes).startsWith(header) ? prev.model : c.model;
    out.push({ ...c, model, ...(sharedSettings ? { settings: sharedSettings } : {}) });
  }
  return out;
}

function same(a: RenderedScript, b: RenderedScript, label: string): void {
  assert.deepEqual([a.path, a.base, a.name, a.kind, a.workloadName], [b.path, b.base, b.name, b.kind, b.workloadName], label);
  a.settle('yaml');
  b.settle('yaml');
  assert.equal(a.yaml(), b.yaml(), label);
  assert.deepEqual(a.objects(), b.objects(), label);
  assert.deepEqual(a.workload(), b.workload(), label);
  assert.deepEqual(a.configMap(), b.configMap(), label);
  // Made anew on each call, and the same.
  assert.equal(a.yaml(), b.yaml(), label);
}

describe('the shared path against the general one (createRenderer with share: false)', () => {
  const SEED = Number(process.env.NIXPOD_SEED ?? 20261129);
  it(`120 random runs of 40 scripts: shared headers and settings, hostile names and sources, every kind and runtime (seed ${SEED})`, async () => {
    const templates = compileTemplates(await loadTemplates(undefined, ROOT));
    const r = rng(SEED);
    const paths = { shared: 0, general: 0 };
    for (let run = 0; run < 120; run++) {
      const settings = Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
        const s = randomSettings(r);
        // A label that looks like a sentinel, now and then: it must stay a label.
        if (s && r() < 0.2) s.labels = { ...s.labels, forged: pick(r, ['\uE0F00:3\uE0F1', '\uE0F01:5\uE0F1', '\uE0F0']) };
        return s && r() < 0.3 ? { ...s, runtime: pick(r, ['nix-shell', 'nixery', 'image'] as const), nixery: 'nixery.dev', registry: 'ghcr.io/a/b' } : s;
      });
      const opts: RenderOptions = { namespace: pick(r, [null, 'ns']), ...(r() < 0.3 ? { kind: pick(r, ['pod', 'job', 'cronjob'] as const) } : {}), ...(r() < 0.2 ? { image: 'img:1' } : {}) };
      const scripts = randomScripts(r, settings);
      const [shared, general] = [createRenderer(opts, templates), createRenderer(opts, templates, { share: false })];
      scripts.forEach((s, i) => {
        const label = `run ${run}, script ${i} ${JSON.stringify(s.path)} ${JSON.stringify(opts)}`;
        let expected: RenderedScript;
        try {
          expected = general(s);
          expected.settle('yaml');
        } catch (e) {
          // A template error (random settings can make one): the shared path fails alike.
          assert.throws(() => shared(s).settle('yaml'), { message: (e as Error).message }, label);
          return;
        }
        const got = shared(s);
        // The shared path's objects are of a class of their own; the general path's are plain.
        paths[Object.getPrototypeOf(got) === Object.prototype ? 'general' : 'shared']++;
        same(got, expected, label);
      });
    }
    // Both paths were taken: hostile strings, bundles and other runtimes go the general way.
    assert.ok(paths.shared > 2000 && paths.general > 300, JSON.stringify(paths));
  });

  it('keeps no script text: a rendered script reads it again when written', async () => {
    const templates = compileTemplates(await loadTemplates(undefined, ROOT));
    let reads = 0;
    const c = checkScript({ path: 'a.sh', bytes: new TextEncoder().encode(script('#! nix-shell -i bash -p jq', 'echo hi\n')), explicit: true });
    const text = c.text;
    const lazy = Object.defineProperty({ ...c }, 'text', { get: () => (reads++, text) }) as CheckedScript;
    const rendered = createRenderer({ namespace: null }, templates)(lazy);
    assert.equal(reads, 0, 'not read to render');
    rendered.yaml();
    rendered.yaml();
    assert.equal(reads, 2, 'read once per output');
  });
});
