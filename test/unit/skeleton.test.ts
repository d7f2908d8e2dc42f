import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkScript } from '../../src/core/check/script.js';
import { createRenderer } from '../../src/core/render/manifests.js';
import { fillPlaceholders, isExactSkeleton, placehold } from '../../src/core/render/skeleton.js';
import { compileTemplates, type TemplateSource } from '../../src/core/render/templates.js';
import { buildContext, scriptHasher } from '../../src/core/render/context.js';
import { toYamlStream, type Json } from '../../src/core/render/yaml-emit.js';
import { loadTemplates } from '../../src/io/templates.js';
import { ROOT, script } from '../helpers/cli.js';
import { pick, randomText, rng } from '../helpers/random.js';
import { randomSettings, withSettings } from '../helpers/settings.js';

const cm = (body: string): TemplateSource => ({ name: 'configmap', origin: 'cm.hbs', text: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n${body}` });
const pod: TemplateSource = { name: 'pod', origin: 'pod.hbs', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{json name}}\n' };

function renderBoth(body: string, fileName: string) {
  const templates = compileTemplates([cm(body), pod]);
  const s = checkScript({ path: fileName, bytes: new TextEncoder().encode(script('#! nix-shell -i bash -p jq')), explicit: true });
  const fast = createRenderer({ image: 'img', namespace: null }, templates)(s).objects()[0];
  return { fast, templates, s };
}

describe('shared template skeletons', () => {
  it('json-written values are filled in exactly', () => {
    const { fast } = renderBoth('  name: {{json name}}\n  annotations: {{json annotations}}\n', 'yes.sh');
    assert.equal((fast.metadata as { annotations: Record<string, string> }).annotations['nixpod.dev/source'], 'yes.sh');
  });
  it('raw values take the slow path and give what Handlebars + YAML give', () => {
    const { fast, templates, s } = renderBoth('  name: {{name}}\n  labels:\n    source: {{source}}\n', 'on');
    assert.equal((fast.metadata as { labels: { source: unknown } }).labels.source, 'on', 'a plain YAML 1.2 string, as parsed from the real text');
    const slow = parse(templates.render('configmap', { ...s, name: 'x', source: 'on' }));
    assert.equal(slow.metadata.labels.source, 'on');
  });
  it('values inside longer strings are not replaced', () => {
    const ph = placehold([{ a: 'x', b: '' }]);
    assert.ok(ph);
    assert.deepEqual(ph.values, ['x']);
    assert.equal(isExactSkeleton({ v: `pre-${'\uE0020\uE003'}` }), false);
    assert.equal(isExactSkeleton({ [`\uE0020\uE003`]: 'v' }), false, 'a value used as a key');
    assert.equal(isExactSkeleton({ v: '\uE0000\uE001' }), false, 'a raw {{value}}');
    assert.equal(isExactSkeleton({ v: '\uE0020\uE003' }), true);
    assert.deepEqual(fillPlaceholders({ v: '\uE0020\uE003' }, ph.values), { v: 'x' });
  });
  it('values that contain the placeholder characters themselves disable the fast path', () => {
    assert.equal(placehold([{ a: '\uE000' }]), undefined);
  });
});

describe('shared skeletons against the slow path', () => {
  const SEED = Number(process.env.NIXPOD_SEED ?? 20261127);
  it(`500 random scripts with random settings and kinds render byte for byte as Handlebars + YAML parse would (seed ${SEED})`, async () => {
    const templates = compileTemplates(await loadTemplates(undefined, ROOT));
    const r = rng(SEED);
    const words = ['jq', 'curl', '"python3.withPackages (ps: [ ps.requests ])"', "'a b'", 'yes', 'x\\"y', 'é', 'on'];
    const names = ['a.sh', 'Deploy Prod.sh', 'yes', 'on.py', '中文.sh', 'x'.repeat(80), '0755', '-', '.hidden.sh'];
    const kinds = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const opts = { image: pick(r, ['img', 'nixos/nix:2.29.0', 'yes', 'a: b', undefined]), namespace: pick(r, [null, 'ns', 'on', '0755']), kind: pick(r, [undefined, undefined, 'pod', 'job', 'cronjob'] as const) };
      const pkgs = Array.from({ length: Math.floor(r() * 3) }, () => pick(r, words)).join(' ');
      const text = r() < 0.1 ? new Uint8Array([0xff, 0xfe, Math.floor(r() * 256)]) : new TextEncoder().encode(script(`#! nix-shell -i ${pick(r, ['bash', 'python3', 'yes'])} -p ${pkgs || 'jq'}`, randomText(r)));
      // A fifth ship local files: more ConfigMap entries (text and binary), volume items and a working directory.
      const ships = r() < 0.2;
      const bytes = ships ? new TextEncoder().encode(script('#! nix-shell -i bash -p jq "(import ../lib/x.nix)"', randomText(r))) : text;
      const resolved = { files: [{ rel: '../lib/x.nix', bytes: new TextEncoder().encode(`{ }: ${randomText(r)}`) }, { rel: 'data.bin', bytes: new Uint8Array([0xff, 0x00]) }], missing: new Map(), importProblems: [] };
      const s = withSettings(checkScript({ path: `dir/${pick(r, names)}`, bytes, explicit: true, ...(ships ? { dir: '/w/dir', resolved } : {}) }), randomSettings(r));
      if (ships) assert.ok(s.bundle, 'a script that ships files has a layout');
      const rendered = createRenderer(opts, templates);
      const fast = rendered(s);
      // The slow path, written out here: render the real values, parse, add the payload.
      const { context: ctx, entries } = buildContext(s, opts, scriptHasher(templates.sources));
      kinds.add(ctx.kind);
      const cm = parse(templates.render('configmap', ctx)) as Record<string, Json>;
      for (const e of entries) cm[e.field] = { ...((cm[e.field] as Record<string, Json> | undefined) ?? {}), [e.key]: e.value };
      const pod = parse(templates.render(ctx.kind, ctx)) as Record<string, Json>;
      const label = `case ${i}: ${JSON.stringify(s.path)} ${JSON.stringify(opts)}`;
      assert.deepEqual(fast.objects(), [cm, pod], label);
      assert.equal(fast.yaml(), toYamlStream([cm, pod]), label);
      // A second script of the same shape goes through the shared skeleton.
      assert.equal(rendered(s).yaml(), fast.yaml(), label);
    }
    assert.deepEqual([...kinds].sort(), ['cronjob', 'job', 'pod']);
  });
});
