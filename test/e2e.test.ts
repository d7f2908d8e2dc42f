import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ROOT, script, spawnCli, tempTree } from './helpers/cli.js';

const good = script('#! nix-shell -i bash -p curl jq');
const bad = '#!/usr/bin/env nix-shell\n#! nix-shell -i bash -p curl # needs curl\n';

describe('the built CLI', () => {
  it('renders the bundled examples (the README command), deterministically', () => {
    const a = spawnCli(['render', 'scripts/'], ROOT);
    const b = spawnCli(['render', 'scripts/'], ROOT);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    const docs = parseAllDocuments(a.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    const scripts = readdirSync(join(ROOT, 'scripts')).filter((f) => f !== 'nixpod.yaml').length;
    assert.equal(docs.length, 2 * scripts);
    // scripts/nixpod.yaml makes cluster-report.sh and backup-postgres.sh CronJobs (stable names); the rest are Pods.
    const cron = new Set(['backup-postgres-sh', 'cluster-report-sh']);
    for (let i = 0; i < docs.length; i += 2) {
      const [cm, work] = [docs[i], docs[i + 1]];
      assert.equal(cm?.kind, 'ConfigMap');
      assert.match(cm?.metadata.name ?? '', /^[a-z0-9-]+-[0-9a-f]{10}$/);
      const base = (cm?.metadata.name ?? '').slice(0, -11);
      assert.equal(work?.kind, cron.has(base) ? 'CronJob' : 'Pod', base);
      assert.equal(work?.metadata.name, cron.has(base) ? base : cm?.metadata.name);
    }
    assert.equal(docs.filter((d) => d.kind === 'CronJob').length, cron.size);
  });
  it('--version answers and exits 0', () => {
    const r = spawnCli(['--version'], ROOT);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
  it('check: exit 0 when clean, 1 with errors, file:line:col and no stack trace', () => {
    const dir = tempTree({ 'good.sh': good, 'bad.sh': bad });
    assert.equal(spawnCli(['check', 'good.sh'], dir).code, 0);
    const r = spawnCli(['check'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^bad\.sh:2:30: error: package '#': .* \[nix-comment\]\n {2}hint: /m);
    assert.match(r.stderr, /1 error, 2 warnings in 2 scripts/);
    assert.doesNotMatch(r.stdout + r.stderr, /at .*\.js:\d+/);
  });
  it('usage errors exit 2: unknown option, missing path, bad namespace', () => {
    const dir = tempTree({ 'good.sh': good });
    const unknown = spawnCli(['render', '--nope'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--nope'/);
    const missing = spawnCli(['check', 'nope.sh'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nixpod: error: nope\.sh: no such file or directory\n {2}hint: /);
    assert.equal(spawnCli(['render', '-n', 'Bad_NS', 'good.sh'], dir).code, 2);
    // --image is checked as the image setting is: an empty image would render `image: ""`.
    for (const [image, why] of [['', /'' must not be empty/], [' nixos/nix', /must not contain whitespace/], ['my image', /must not contain whitespace/]] as const) {
      const r = spawnCli(['render', '--image', image, 'good.sh'], dir);
      assert.equal(r.code, 2, image);
      assert.match(r.stderr, why);
      assert.equal(r.stdout, '');
    }
  });
  it('render with errors prints diagnostics, exits 1 and writes nothing', () => {
    const dir = tempTree({ 'good.sh': good, 'bad.sh': bad });
    const r = spawnCli(['render', '-o', 'out'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bad\.sh:2:30: error/);
    assert.equal(existsSync(join(dir, 'out')), false);
  });
  it('-o DIR writes one file per script and no temp files', () => {
    const dir = tempTree({ 'a.sh': good, 'sub/b.py': script('#! nix-shell -i python3 -p python3') });
    const r = spawnCli(['render', '-o', 'out', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['a-sh.yaml', 'b-py.yaml', 'kustomization.yaml']);
    const docs = parseAllDocuments(readFileSync(join(dir, 'out/b-py.yaml'), 'utf8')).map((d) => d.toJS());
    assert.equal(docs[0].data['b.py'], script('#! nix-shell -i python3 -p python3'));
  });
  it('skips hidden folders, node_modules and non-scripts inside folders', () => {
    const dir = tempTree({ 'a.sh': good, '.git/x.sh': good, 'node_modules/y.sh': good, 'README.md': '# hi\n' });
    const r = spawnCli(['check', '.'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /in 1 script \(1 other file skipped/);
  });
  it('names follow the content: same input same name, any change a new name', () => {
    const dir = tempTree({ 'a.sh': good });
    const name = () => (parseAllDocuments(spawnCli(['render', 'a.sh'], dir).stdout)[0]?.toJS() as { metadata: { name: string } }).metadata.name;
    const first = name();
    assert.equal(name(), first);
    writeFileSync(join(dir, 'a.sh'), good + 'echo more\n');
    assert.notEqual(name(), first);
    const withImage = parseAllDocuments(spawnCli(['render', '--image', 'nixos/nix:2.28.3', 'a.sh'], dir).stdout)[1]?.toJS();
    assert.notEqual(withImage.metadata.name, name());
    assert.equal(withImage.spec.containers[0].image, 'nixos/nix:2.28.3');
  });
});

describe('templates', () => {
  it('--templates overrides one template; extra fields reach the output', () => {
    const pod = readFileSync(join(ROOT, 'templates/pod.yaml.hbs'), 'utf8').replace('spec:\n', 'spec:\n  activeDeadlineSeconds: 600\n  futureField: {{json base}}\n');
    const dir = tempTree({ 'a.sh': good, 'tpl/pod.yaml.hbs': pod });
    const r = spawnCli(['render', '--templates', 'tpl', '-n', 'jobs', 'a.sh'], dir);
    assert.equal(r.code, 0, r.stderr);
    const [cm, p] = parseAllDocuments(r.stdout).map((d) => d.toJS());
    assert.equal(p.spec.activeDeadlineSeconds, 600);
    assert.equal(p.spec.futureField, 'a-sh');
    assert.equal(p.metadata.namespace, 'jobs');
    assert.equal(cm.metadata.namespace, 'jobs');
    // An absolute --templates path works the same.
    const abs = spawnCli(['render', '--templates', join(dir, 'tpl'), 'a.sh'], dir);
    assert.equal(parseAllDocuments(abs.stdout).map((d) => d.toJS())[1].spec.futureField, 'a-sh');
  });
  it('a template syntax error names the template and exits 2', () => {
    const dir = tempTree({ 'a.sh': good, 'tpl/configmap.yaml.hbs': 'kind: {{#if name}}\n' });
    const r = spawnCli(['render', '--templates', 'tpl', 'a.sh'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^nixpod: error: tpl\/configmap\.yaml\.hbs: Parse error on line 2: Expecting /);
  });
  it('a misspelled variable is an error (strict), not an empty value', () => {
    const dir = tempTree({ 'a.sh': good, 'tpl/configmap.yaml.hbs': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{json nmae}}\n' });
    const r = spawnCli(['render', '--templates', 'tpl', 'a.sh'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /tpl\/configmap\.yaml\.hbs: line 4, col 9: the value given to json is not defined/);
  });
  it('output that is not YAML names the template', () => {
    const dir = tempTree({ 'a.sh': good, 'tpl/configmap.yaml.hbs': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{name}}\n  labels: [unclosed\n' });
    const r = spawnCli(['render', '--templates', 'tpl', 'a.sh'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /tpl\/configmap\.yaml\.hbs: the rendered output is not valid YAML/);
  });
});

describe('json output', () => {
  it('check --format json has the documented shape', () => {
    const settings = 'defaults:\n  env: [{name: TOKEN, secretKeyRef: {name: api, key: token}}]\n';
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq --keep TOKEN --arg config "{ }" --argstr system x86_64-linux'), 'nixpod.yaml': settings });
    const r = spawnCli(['check', '--format', 'json'], dir);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.summary, { errors: 0, warnings: 0, skipped: 0 });
    assert.deepEqual(doc.scripts[0].shebang, {
      dialect: 'nix-shell', interpreter: 'bash', packages: ['jq'], pure: false, keep: ['TOKEN'],
      nixPath: ['nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz'],
      args: { config: { kind: 'arg', value: '{ }' }, system: { kind: 'argstr', value: 'x86_64-linux' } },
      run: null, attr: [], expressionFiles: [],
    });
  });
  it('render --format json prints a v1 List', () => {
    const dir = tempTree({ 'a.sh': good });
    const doc = JSON.parse(spawnCli(['render', '--format', 'json'], dir).stdout);
    assert.equal(doc.kind, 'List');
    assert.deepEqual(doc.items.map((i: { kind: string }) => i.kind), ['ConfigMap', 'Pod']);
    assert.equal(doc.items[1].spec.volumes[0].configMap.defaultMode, 365);
    assert.deepEqual(doc.items[1].spec.containers[0].command, ['nix-shell', '/nixpod/a.sh']);
  });
});
