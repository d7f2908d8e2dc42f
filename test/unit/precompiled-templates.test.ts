import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkScript } from '../../src/core/check/script.js';
import { buildContext, scriptHasher } from '../../src/core/render/context.js';
import { PRECOMPILED } from '../../src/core/render/builtin-templates.js';
import { compileTemplates, TEMPLATE_NAMES } from '../../src/core/render/templates.js';
import { loadTemplates } from '../../src/io/templates.js';
import { ROOT, script } from '../helpers/cli.js';
import { pick, randomText, rng } from '../helpers/random.js';
import { randomSettings, withSettings } from '../helpers/settings.js';

describe('built-in templates compiled at build time', () => {
  it('the generated file is what src/build/precompile-templates.mjs writes from templates/ today', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'src/build/precompile-templates.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const name of TEMPLATE_NAMES) assert.ok(PRECOMPILED[name], name);
  });

  it('a run with the built-in templates never loads the Handlebars compiler', () => {
    const code = `import { createRequire } from 'node:module';
const { loadTemplates } = await import(${JSON.stringify(join(ROOT, 'dist/src/io/templates.js'))});
const { compileTemplates } = await import(${JSON.stringify(join(ROOT, 'dist/src/core/render/templates.js'))});
const t = compileTemplates(await loadTemplates(undefined, '/'));
t.render('configmap', { name: 'n', namespace: null, labels: {}, annotations: {} });
const loaded = Object.keys(createRequire(import.meta.url).cache);
console.log(loaded.some((k) => k.includes('/handlebars/')), loaded.some((k) => k.includes('/compiler/')));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'true false', 'the runtime is loaded, the compiler is not');
  });

  const SEED = Number(process.env.NIXPOD_SEED ?? 20261129);
  it(`render as the templates compiled at run time do, on 300 random scripts and settings (seed ${SEED})`, async () => {
    const builtin = await loadTemplates(undefined, ROOT);
    const pre = compileTemplates(builtin);
    // A trailing comment on a line of its own renders to nothing, and the text no longer matches: compiled at run time.
    const compiled = compileTemplates(builtin.map((t) => ({ ...t, text: `${t.text}{{!-- run time --}}` })));
    const r = rng(SEED);
    const names = ['a.sh', 'Deploy Prod.sh', 'yes', 'on.py', '中文.sh', '-'];
    for (let i = 0; i < 300; i++) {
      const bytes = new TextEncoder().encode(script(`#! nix-shell -i ${pick(r, ['bash', 'python3'])} -p ${pick(r, ['jq', 'curl git', "'a b'"])}`, randomText(r)));
      const s = withSettings(checkScript({ path: `dir/${pick(r, names)}`, bytes, explicit: true }), randomSettings(r));
      const opts = { image: pick(r, ['img', undefined]), namespace: pick(r, [null, 'ns']), kind: pick(r, [undefined, 'pod', 'job', 'cronjob'] as const) };
      const { context } = buildContext(s, opts, scriptHasher(builtin));
      for (const name of ['configmap', context.kind] as const) {
        for (const placeholders of [false, true]) assert.equal(pre.render(name, context, placeholders), compiled.render(name, context, placeholders), `case ${i} ${name}`);
      }
    }
  });

  it('a template that is not the built-in one is compiled, and its syntax errors name it', () => {
    const t = compileTemplates([{ name: 'pod', origin: 'mine/pod.yaml.hbs', text: 'kind: {{json kind}}\n' }]);
    assert.equal(t.render('pod', { kind: 'Pod' }), 'kind: "Pod"\n');
    assert.throws(() => compileTemplates([{ name: 'pod', origin: 'mine/pod.yaml.hbs', text: '{{#if x}}\n' }]), /mine\/pod\.yaml\.hbs/);
  });
});
