import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript } from '../../src/core/check/script.js';
import { createRenderer, type RenderedScript } from '../../src/core/render/manifests.js';
import { compileTemplates } from '../../src/core/render/templates.js';
import { ByteSink, writeBodyValue } from '../../src/core/render/yaml-bytes.js';
import { yamlStringValue } from '../../src/core/render/yaml-emit.js';
import { loadTemplates } from '../../src/io/templates.js';
import { ROOT, script } from '../helpers/cli.js';
import { pick, randomText, rng } from '../helpers/random.js';

const SEED = Number(process.env.NIXPOD_SEED ?? 20261129);
const utf8 = new TextEncoder();

// What decides between a literal block, a quoted string and the string path: blanks at line ends, blank lines, tabs, CRLF, BOM, controls, non-ASCII, YAML indicators.
const LINES = ['echo hi', '\techo "tab"', 'trailing   ', 'tab\t', '', '', '  indented', 'key: value', '- item', '# comment', '"quoted"', "it's", 'back\\slash', 'yes', '日本語 🚀', 'crlf\r', '\u0085next', 'bell\x07', 'del\x7f', 'bom\ufeff', 'ls\u2028', '\b\f', '{{ x }}', '---'];

/** A body as a user may write it: lines, sometimes a final newline (or several), sometimes a leading BOM or blank lines. */
function randomBody(r: () => number): string {
  const lines = Array.from({ length: Math.floor(r() * 8) }, () => (r() < 0.2 ? randomText(r) : pick(r, LINES)));
  const head = r() < 0.05 ? '\ufeff' : r() < 0.1 ? '\n\n' : '';
  const tail = pick(r, ['', '\n', '\n', '\n', '\n\n', '\n\n\n']);
  return head + lines.join(r() < 0.1 ? '\r\n' : '\n') + tail;
}

describe('a script body written as bytes', () => {
  it(`20,000 random bodies at three indentations: exactly the string path's UTF-8, or declined (seed ${SEED})`, () => {
    const r = rng(SEED);
    const sink = new ByteSink(64);
    const taken = { literal: 0, quoted: 0, declined: 0 };
    for (let i = 0; i < 20_000; i++) {
      const text = randomBody(r);
      const indent = pick(r, [0, 2, 4]);
      const expected = Buffer.from(yamlStringValue(text, ' '.repeat(indent)), 'utf8');
      const ok = writeBodyValue(sink, utf8.encode(text), indent);
      const got = sink.take();
      if (!ok) {
        assert.equal(got.length, 0, 'nothing written when declined');
        taken.declined++;
        continue;
      }
      assert.equal(got.toString('utf8'), expected.toString('utf8'), JSON.stringify({ text, indent }));
      assert.ok(got.equals(expected));
      taken[expected[1] === 0x7c ? 'literal' : 'quoted']++;
    }
    for (const [k, n] of Object.entries(taken)) assert.ok(n > 1000, `${k}: ${JSON.stringify(taken)}`);
  });

  it('declines exactly where the string path writes otherwise than a literal block or JSON.stringify', () => {
    const sink = new ByteSink();
    const declined = (text: string): boolean => !writeBodyValue(sink, utf8.encode(text), 0) && sink.take().length === 0;
    // No line break (a plain scalar may be written), and characters quote escapes its own way.
    for (const text of ['', 'echo', 'a\r\nb\r\n', 'a\n\x7f', 'a\n\u0085', 'a\n\u2028', '\ufeffa\n ', 'a\n\b ', 'a \n\uffff']) assert.ok(declined(text), JSON.stringify(text));
    for (const text of ['a\nb', '\n\n', ' a\n', 'a\n\x01 ', '中文 \n', 'a\tb\n']) assert.ok(!declined(text), JSON.stringify(text));
  });
});

describe('ByteSink', () => {
  it('writes any string as UTF-8, grows past its size, and starts over on take', () => {
    const sink = new ByteSink(4);
    const parts = ['ascii ', 'é', '中文', '🚀', 'x'.repeat(1000), '\uD800'];
    for (const p of parts) sink.text(p);
    sink.bytes(new Uint8Array([0x41]));
    assert.ok(sink.take().equals(Buffer.from(parts.join('') + 'A', 'utf8')));
    sink.text('again');
    assert.equal(sink.take().toString(), 'again');
  });
});

describe('yamlInto against the reference path (createRenderer with share: false)', () => {
  it(`60 batches of 30 random scripts (text and binary) into one reused sink: the reference yaml() to the byte (seed ${SEED})`, async () => {
    const templates = compileTemplates(await loadTemplates(undefined, ROOT));
    const r = rng(SEED + 1);
    const sink = new ByteSink(256);
    let viaBytes = 0;
    for (let batch = 0; batch < 60; batch++) {
      const opts = { namespace: pick(r, [null, 'ns']), ...(r() < 0.3 ? { kind: pick(r, ['pod', 'job', 'cronjob'] as const) } : {}) };
      const [fast, reference] = [createRenderer(opts, templates), createRenderer(opts, templates, { share: false })];
      let expected = '';
      for (let i = 0; i < 30; i++) {
        const binary = r() < 0.1;
        const bytes = binary ? new Uint8Array([0x23, 0x21, 0xff, 0xfe, Math.floor(r() * 256), 0x0a]) : utf8.encode(script(pick(r, ['#! nix-shell -i bash -p jq', '#! nix-shell -i python3 -p jq curl']), randomBody(r)));
        const c = checkScript({ path: `dir/s${i}-${pick(r, ['a.sh', 'Deploy Prod.sh', '中文.sh'])}`, bytes, explicit: true });
        const got: RenderedScript = fast(c);
        got.settle('yaml');
        expected += reference(c).yaml();
        if (got.yamlInto) viaBytes++;
        if (got.yamlInto) got.yamlInto(sink);
        else sink.text(got.yaml());
      }
      assert.equal(sink.take().toString('utf8'), expected, `batch ${batch}`);
    }
    assert.ok(viaBytes > 1000, `${viaBytes} through yamlInto`);
  });
});
