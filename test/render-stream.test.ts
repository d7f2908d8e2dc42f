import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadAndCheck } from '../src/cli/commands/load.js';
import { createRenderer, type Manifest } from '../src/core/render/manifests.js';
import { compileTemplates } from '../src/core/render/templates.js';
import { toYamlStream } from '../src/core/render/yaml-emit.js';
import { loadTemplates } from '../src/io/templates.js';
import { ROOT, runCli, script, tempTree } from './helpers/cli.js';
import { pick, randomText, rng } from './helpers/random.js';

/**
 * render writes as it goes, from shared skeletons; here it is held to the
 * reference path: every script's objects as trees, emitted by the YAML
 * emitter, the whole run held in memory and printed at once.
 */
async function reference(dir: string, flags: { namespace: string | null; kind?: 'pod' | 'job' | 'cronjob' }): Promise<{ yaml: string; json: string; files: Map<string, string> }> {
  const [run, sources] = await Promise.all([loadAndCheck(['.'], dir), loadTemplates(undefined, dir)]);
  const render = createRenderer(flags, compileTemplates(sources));
  const rendered = run.scripts.map(render);
  const list = (items: Manifest[]): string => JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, 2) + '\n';
  return {
    yaml: rendered.map((r) => toYamlStream(r.objects())).join(''),
    json: list(rendered.flatMap((r) => r.objects())),
    files: new Map(rendered.map((r) => [`${r.base}.yaml`, toYamlStream(r.objects())])),
  };
}

const NAMES = ['a.sh', 'Deploy Prod.sh', 'yes', 'on.py', '中文.sh', 'x'.repeat(70), '0755', 'job.sh', 'sub/b.sh', 'sub/deeper/c.py'];
const PKGS = ['jq', 'curl', '"python3.withPackages (ps: [ ps.requests ])"', 'yes', 'on', 'jq'];

function randomFolder(r: () => number): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {};
  const n = 1 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++) {
    const name = `${i}-${pick(r, NAMES)}`;
    const pkgs = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, PKGS)).join(' ');
    const nixpod = r() < 0.3 ? `\n#! nixpod ${pick(r, ['memory=64Mi', 'label=team=a', 'kind=job', 'env=BUCKET=x', 'cpu=100m'])}` : '';
    files[name] = r() < 0.03 ? new Uint8Array([0x23, 0x21, 0xff, 0xfe]) : script(`#! nix-shell -i ${pick(r, ['bash', 'python3'])} -p ${pkgs}${nixpod}`, randomText(r));
  }
  if (r() < 0.4) files['nixpod.yaml'] = 'defaults:\n  labels:\n    team: t\nscripts:\n  - match: "*.sh"\n    resources:\n      requests:\n        memory: 64Mi\n  - match: "sub/**"\n    kind: job\n';
  return files;
}

describe('render streams exactly what the reference path prints', () => {
  const SEED = Number(process.env.NIXPOD_SEED ?? 20261129);
  it(`60 random folders: stdout YAML, JSON and -o DIR byte for byte; nothing at all when any script has an error (seed ${SEED})`, async () => {
    const r = rng(SEED);
    let rendered = 0;
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const dir = tempTree(randomFolder(r));
      const flags = { namespace: pick(r, [null, 'ns']), ...(r() < 0.3 ? { kind: pick(r, ['pod', 'job'] as const) } : {}) };
      const argv = [...(flags.namespace ? ['-n', flags.namespace] : []), ...(flags.kind ? ['--kind', flags.kind] : [])];
      const yaml = await runCli(['render', ...argv, '.'], dir);
      const json = await runCli(['render', ...argv, '--format', 'json', '.'], dir);
      const out = await runCli(['render', ...argv, '-o', 'out', '.'], dir);
      const label = `case ${i} in ${dir}`;
      if (yaml.code !== 0) {
        refused++;
        assert.equal(yaml.code, 1, label);
        assert.deepEqual([yaml.stdout, json.stdout, json.code, out.code], ['', '', 1, 1], label);
        assert.equal(existsSync(join(dir, 'out')), false, label);
        continue;
      }
      rendered++;
      const ref = await reference(dir, flags);
      assert.equal(yaml.stdout, ref.yaml, label);
      assert.equal(json.stdout, ref.json, label);
      // -o DIR also holds the kustomization.yaml listing the manifests (test/output-dir.test.ts holds its text).
      assert.deepEqual(readdirSync(join(dir, 'out')).filter((n) => n !== 'kustomization.yaml').sort(), [...ref.files.keys()].sort(), label);
      for (const [name, text] of ref.files) assert.equal(readFileSync(join(dir, 'out', name), 'utf8'), text, `${label}: ${name}`);
    }
    // Both outcomes were exercised.
    assert.ok(rendered > 20 && refused > 3, `${rendered} rendered, ${refused} refused`);
  });

  it('a template that fails for the last of 600 scripts: nothing on stdout, nothing in -o DIR, the error named', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`job-${String(i).padStart(4, '0')}.sh`] = script('#! nix-shell -i bash -p jq', `echo ${i}\n`);
    // Its label gives it a shape of its own, for which the template asks for a name that does not exist.
    files['zz-last.sh'] = script('#! nix-shell -i bash -p jq\n#! nixpod label=special=yes', 'echo last\n');
    const dir = tempTree(files);
    cpSync(join(ROOT, 'templates'), join(dir, 'tpl'), { recursive: true });
    const pod = join(dir, 'tpl/pod.yaml.hbs');
    writeFileSync(pod, readFileSync(pod, 'utf8').replace('metadata:\n', 'metadata:\n  {{#if labels.special}}x: {{json no_such_value}}{{/if}}\n'));
    for (const argv of [['render', '--templates', 'tpl', '.'], ['render', '--templates', 'tpl', '--format', 'json', '.'], ['render', '--templates', 'tpl', '-o', 'out', '.']]) {
      const res = await runCli(argv, dir);
      assert.equal(res.code, 2, `${argv.join(' ')}: ${res.stderr}`);
      assert.equal(res.stdout, '');
      assert.match(res.stderr, /^nixpod: error: zz-last\.sh: tpl\/pod\.yaml\.hbs.*line 5, col 28: the value given to json is not defined/m);
      assert.equal(existsSync(join(dir, 'out')), false);
    }
  });

  it('a template that looks a value up by a script\'s own value renders each script with its own values', async () => {
    const dir = tempTree({ 'team.sh': script('#! nix-shell -i bash -p jq'), 'other.sh': script('#! nix-shell -i bash -p jq'), 'nixpod.yaml': 'defaults:\n  labels: {team-sh: data}\n' });
    cpSync(join(ROOT, 'templates'), join(dir, 'tpl'), { recursive: true });
    const pod = join(dir, 'tpl/pod.yaml.hbs');
    // Only the script whose base is a label key gets the finalizer: a skeleton would look up its placeholder instead.
    writeFileSync(pod, readFileSync(pod, 'utf8').replace('metadata:\n', 'metadata:\n{{#if (lookup labels base)}}\n  finalizers: ["hit"]\n{{/if}}\n'));
    for (const format of ['yaml', 'json']) {
      const res = await runCli(['render', '--templates', 'tpl', '--format', format, '.'], dir);
      assert.equal(res.code, 0, res.stderr);
      const hits = res.stdout.split(/finalizers/).length - 1;
      assert.equal(hits, 1, res.stdout);
    }
  });
});
