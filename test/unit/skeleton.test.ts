import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkScript } from '../../src/core/check/script.js';
import { createRenderer } from '../../src/core/render/manifests.js';
import { fillPlaceholders, placehold } from '../../src/core/render/skeleton.js';
import { compileTemplates, type TemplateSource } from '../../src/core/render/templates.js';
import { script } from '../helpers/cli.js';

const cm = (body: string): TemplateSource => ({ name: 'configmap', origin: 'cm.hbs', text: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n${body}` });
const pod: TemplateSource = { name: 'pod', origin: 'pod.hbs', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{json name}}\n' };

function renderBoth(body: string, fileName: string) {
  const templates = compileTemplates([cm(body), pod]);
  const s = checkScript({ path: fileName, bytes: new TextEncoder().encode(script('#! nix-shell -i bash -p jq')), explicit: true });
  const fast = createRenderer({ image: 'img', namespace: null }, templates)(s).objects[0];
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
    const ph = placehold({ a: 'x', b: '' });
    assert.ok(ph);
    assert.deepEqual(ph.values, ['x']);
    assert.equal(fillPlaceholders({ v: `pre-${'\uE0020\uE003'}` }, ph.values), undefined);
    assert.deepEqual(fillPlaceholders({ v: '\uE0020\uE003' }, ph.values), { v: 'x' });
  });
  it('values that contain the placeholder characters themselves disable the fast path', () => {
    assert.equal(placehold({ a: '\uE000' }), undefined);
  });
});
