import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadAndCheck } from '../src/cli/commands/load.js';
import { ROOT, runCli, script, tempTree } from './helpers/cli.js';

const SH = script('#! nix-shell -i bash -p hello');
const withLines = (lines: string) => script(`#! nix-shell -i bash -p hello\n${lines}`);
const settingsOf = async (dir: string, name: string, config?: string) => {
  const run = await loadAndCheck(['.'], dir, { config });
  const s = run.scripts.find((x) => x.path === name);
  assert.ok(s?.settings, `${name} has settings`);
  return { ...s.settings, diagnostics: run.diagnostics };
};

const CONFIG = `defaults:
  namespace: batch
  labels: {team: data, tier: low}
  env:
    - {name: A, value: from-defaults}
    - {name: B, value: from-defaults}
  args: [--all]
  resources:
    requests: {cpu: 100m, memory: 128Mi}
scripts:
  - match: 'jobs/**'
    kind: job
    labels: {tier: high}
    args: [--jobs]
    env: {B: from-jobs, C: from-jobs}
  - match: 'jobs/nightly-*.sh'
    kind: cronjob
    schedule: '@daily'
    resources:
      limits: {memory: 1Gi}
`;

describe('settings: precedence and merge', () => {
  it('built-in < defaults < matching rules in order < #! nixpod lines; maps merge by key, lists replace, env by name', async () => {
    const dir = tempTree({
      '.git/HEAD': '',
      'nixpod.yaml': CONFIG,
      'jobs/nightly-a.sh': withLines('#! nixpod schedule="0 3 * * *" label=owner=ana env=C=from-script arg=--only-a memory=256Mi'),
      'top.sh': SH,
    });
    const a = await settingsOf(dir, 'jobs/nightly-a.sh');
    assert.deepEqual(a.diagnostics, []);
    const s = a.settings;
    assert.equal(s.kind, 'cronjob');
    assert.equal(s.namespace, 'batch');
    assert.equal(s.schedule, '0 3 * * *');
    assert.deepEqual(s.labels, { team: 'data', tier: 'high', owner: 'ana' });
    assert.deepEqual(s.args, ['--only-a']);
    assert.deepEqual(s.env, [{ name: 'A', value: 'from-defaults' }, { name: 'B', value: 'from-jobs' }, { name: 'C', value: 'from-script' }]);
    assert.deepEqual(s.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '256Mi' } });
    assert.deepEqual(a.origins.kind, { path: 'nixpod.yaml', line: 17, col: 5 });
    assert.deepEqual(a.origins.schedule, { path: 'jobs/nightly-a.sh', line: 3, col: 11 });
    assert.deepEqual(a.origins.namespace, { path: 'nixpod.yaml', line: 2, col: 3 });
    const top = await settingsOf(dir, 'top.sh');
    assert.equal(top.settings.kind, 'pod');
    assert.deepEqual(top.settings.args, ['--all']);
    assert.deepEqual(top.settings.imagePullSecrets, []);
    assert.equal(top.origins.kind, undefined);
  });
  it('a script without any settings gets the built-in defaults', async () => {
    const dir = tempTree({ '.git/HEAD': '', 'a.sh': SH });
    const a = await settingsOf(dir, 'a.sh');
    assert.deepEqual(a.settings, { kind: 'pod', labels: {}, annotations: {}, env: [], envFrom: [], args: [], imagePullSecrets: [], nixConfig: {} });
    assert.deepEqual(a.origins, {});
  });
  it('#! nixpod lines: quoting like #! nix-shell, secret/configmap/field refs, env-from, and Nix ignores nothing of ours', async () => {
    const dir = tempTree({ '.git/HEAD': '', 'a.sh': withLines(`#! nixpod kind=job 'annotation=note=two words' secret-env=PGPASSWORD:pg-auth/password\n#! nixpod configmap-env=MODE:cfg/mode field-env=POD:metadata.name env-from=secret:extra backoff-limit=2 suspend=true\n#! nixpod service-account=reader priority-class=low active-deadline-seconds=600 ttl-seconds-after-finished=60 cpu-limit=2 time-zone=UTC`) });
    const a = await settingsOf(dir, 'a.sh');
    assert.deepEqual(a.diagnostics, []);
    const s = a.settings;
    assert.deepEqual(s.annotations, { note: 'two words' });
    assert.deepEqual(s.env, [
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'pg-auth', key: 'password' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
    assert.deepEqual(s.envFrom, [{ secretRef: { name: 'extra' } }]);
    assert.equal(s.backoffLimit, 2);
    assert.equal(s.suspend, true);
    assert.equal(s.serviceAccountName, 'reader');
    assert.equal(s.priorityClassName, 'low');
    assert.equal(s.activeDeadlineSeconds, 600);
    assert.equal(s.ttlSecondsAfterFinished, 60);
    assert.equal(s.timeZone, 'UTC');
    assert.deepEqual(s.resources, { limits: { cpu: '2' } });
  });
  it('#! nixpod lines follow the #! nix-shell rules: not on the first line, not in a file without #!, anywhere after', async () => {
    const dir = tempTree({
      '.git/HEAD': '',
      'late.sh': `${SH}echo body\n#! nixpod kind=job\n`,
      'first.sh': '#! nixpod kind=job\n#! nix-shell -i bash -p hello\n',
      'word.sh': withLines('#!nixpod\tkind=job'),
      'not.sh': withLines('#! nixpodx kind=job\n# ! nixpod kind=job'),
    });
    const run = await loadAndCheck(['.'], dir);
    const kind = (p: string) => run.scripts.find((s) => s.path === p)?.settings?.settings.kind;
    assert.equal(kind('late.sh'), 'job');
    assert.equal(kind('word.sh'), 'job');
    assert.equal(kind('not.sh'), 'pod');
    assert.equal(kind('first.sh'), 'pod', 'the first line is never a #! nixpod line (nor a #! nix-shell one)');
  });
});

describe('settings: the nixpkgs setting pins the Pod', () => {
  it('an unpinned script with a nixpkgs setting is not reported as unpinned', async () => {
    const unpinned = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello\necho hi\n';
    const dir = tempTree({ '.git/HEAD': '', 'a.sh': unpinned, 'b/b.sh': unpinned, 'b/nixpod.yaml': 'defaults:\n  nixpkgs: https://example.com/nixpkgs.tar.gz\n' });
    const r = await runCli(['check', '.'], dir);
    assert.match(r.stdout, /^a\.sh:2:1: warning: .*\[unpinned-nixpkgs\]/m);
    assert.doesNotMatch(r.stdout, /b\/b\.sh/);
  });
});

describe('settings: finding nixpod.yaml', () => {
  it('the nearest one wins; globs are relative to its folder', async () => {
    const dir = tempTree({ '.git/HEAD': '', 'nixpod.yaml': 'defaults:\n  kind: job\n', 'a.sh': SH, 'sub/b.sh': SH, 'sub/nixpod.yaml': "scripts:\n  - match: b.sh\n    image: x/y:1\n" });
    assert.equal((await settingsOf(dir, 'a.sh')).settings.kind, 'job');
    const b = await settingsOf(dir, 'sub/b.sh');
    assert.equal(b.settings.kind, 'pod', 'configs do not stack: the nearest one is the one');
    assert.equal(b.settings.image, 'x/y:1');
  });
  it('stops at the repository root: a nixpod.yaml above it is not read', async () => {
    const dir = tempTree({ 'nixpod.yaml': 'defaults:\n  kind: job\n', 'repo/.git/HEAD': '', 'repo/a.sh': SH, 'loose/b.sh': SH });
    assert.equal((await settingsOf(join(dir, 'repo'), 'a.sh')).settings.kind, 'pod');
    assert.equal((await settingsOf(join(dir, 'loose'), 'b.sh')).settings.kind, 'job', 'outside a repository: up to /');
  });
  it('--config FILE: one file for every script, globs relative to its folder', async () => {
    const dir = tempTree({ '.git/HEAD': '', 'nixpod.yaml': 'defaults:\n  kind: job\n', 'cfg/other.yaml': "scripts:\n  - match: '../a.sh'\n    kind: cronjob\n    schedule: '@hourly'\n", 'a.sh': SH });
    assert.equal((await settingsOf(dir, 'a.sh', 'cfg/other.yaml')).settings.kind, 'cronjob');
    const r = await runCli(['check', '--config', 'cfg/other.yaml', '.'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
  it('--config with a missing file: exit 2, one line, nothing checked', async () => {
    const dir = tempTree({ 'a.sh': SH });
    for (const cmd of ['check', 'render']) {
      const r = await runCli([cmd, '--config', 'nope.yaml', '.'], dir);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^nixpod: error: nope\.yaml: cannot read the settings file: no such file\n/);
    }
  });
  it('a glob that matches nothing is said only when a folder was walked', async () => {
    const dir = tempTree({ '.git/HEAD': '', 'nixpod.yaml': "scripts:\n  - match: 'none/*.sh'\n    kind: job\n", 'a.sh': SH });
    assert.match((await runCli(['check', '.'], dir)).stdout, /nixpod\.yaml:2:12: warning: .*\[glob-matches-nothing\]/);
    assert.doesNotMatch((await runCli(['check', 'a.sh'], dir)).stdout, /glob-matches-nothing/);
  });
  it('a config problem is reported once, however many scripts use it', async () => {
    const dir = tempTree({ '.git/HEAD': '', 'nixpod.yaml': 'defaults:\n  kindd: job\n', 'a.sh': SH, 'b.sh': SH });
    const r = await runCli(['check', '.'], dir);
    assert.equal(r.stdout.match(/\[unknown-key\]/g)?.length, 1);
    assert.equal(r.code, 1);
  });
});

describe('settings: the bundled examples', () => {
  it('nixpod check scripts/ is clean, and the examples carry their settings', async () => {
    const r = await runCli(['check', 'scripts/'], ROOT);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /0 errors, 0 warnings in 5 scripts\n/);
    const run = await loadAndCheck(['scripts/'], ROOT);
    const of = (n: string) => run.scripts.find((s) => s.path === `scripts/${n}`)?.settings?.settings;
    assert.equal(of('cluster-report.sh')?.kind, 'cronjob');
    assert.equal(of('cluster-report.sh')?.serviceAccountName, 'cluster-report');
    const backup = of('backup-postgres.sh');
    assert.deepEqual(backup?.env.map((e) => e.name).sort(), ['BACKUP_BUCKET', 'PGHOST', 'PGPASSWORD', 'PGUSER']);
    assert.equal(backup?.env.find((e) => e.name === 'PGPASSWORD')?.valueFrom?.secretKeyRef?.name, 'pg-auth');
  });
});

describe('settings: name and namePrefix keep scripts of the same file name apart', () => {
  const DEPLOY = (env: string) => script('#! nix-shell -i bash -p hello', `echo ${env}\n`);
  const names = (yaml: string) => [...yaml.matchAll(/^ {2}name: (\S+)$/gm)].map((m) => m[1]);

  it('two deploy.sh in two folders collide; the hint names namePrefix and name=', async () => {
    const dir = tempTree({ '.git/HEAD': '', 'prod/deploy.sh': DEPLOY('prod'), 'staging/deploy.sh': DEPLOY('staging') });
    const r = await runCli(['render', '.'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /prod\/deploy\.sh:1:1: error: base name 'deploy-sh' .* also produced by staging\/deploy\.sh \[duplicate-name\]\n {2}hint: give one folder a nixpod\.yaml with defaults: \{namePrefix: prod-\}/);
  });

  it('namePrefix in a folder\'s nixpod.yaml and name= on a line: names, labels, -o files and the CronJob name follow', async () => {
    const dir = tempTree({
      '.git/HEAD': '',
      'prod/nixpod.yaml': 'defaults:\n  namePrefix: prod-\n  kind: cronjob\n  schedule: "@daily"\n',
      'prod/deploy.sh': DEPLOY('prod'),
      'staging/deploy.sh': script('#! nix-shell -i bash -p hello\n#! nixpod name=stage-deploy', 'echo staging\n'),
    });
    const r = await runCli(['render', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    const all = names(r.stdout);
    assert.equal(all.filter((n) => n === 'prod-deploy-sh').length, 1, 'the CronJob is named by its base alone');
    assert.ok(all.some((n) => /^prod-deploy-sh-[0-9a-f]{10}$/.test(n ?? '')), all.join(' '));
    assert.ok(all.some((n) => /^stage-deploy-[0-9a-f]{10}$/.test(n ?? '')), all.join(' '));
    assert.match(r.stdout, /nixpod\.dev\/script: stage-deploy\n/);
    const out = join(dir, 'out');
    assert.equal((await runCli(['render', '.', '-o', out], dir)).code, 0);
    const { readdirSync } = await import('node:fs');
    assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort(), ['prod-deploy-sh.yaml', 'stage-deploy.yaml']);
  });

  it('a prefix that makes a long base too long: shortened and tagged, distinct names stay distinct', async () => {
    const long = 'this-is-a-rather-long-script-file-name-for-tests-ab';
    const dir = tempTree({ '.git/HEAD': '', 'nixpod.yaml': 'defaults:\n  namePrefix: staging-\n', [`${long}.sh`]: DEPLOY('a'), [`${long}c.sh`]: DEPLOY('b') });
    const r = await runCli(['render', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    const all = [...new Set(names(r.stdout))];
    assert.equal(all.length, 2, all.join(' '));
    for (const n of all) assert.match(n ?? '', /^staging-this-is-a-rather-long-scrip[a-z-]*-[0-9a-f]{6}-[0-9a-f]{10}$/);
    for (const n of all) assert.ok((n ?? '').length <= 63);
  });

  it('a name that is no DNS label, or too long for the hash, is an error at its word', async () => {
    const dir = tempTree({ '.git/HEAD': '', 'a.sh': withLines('#! nixpod name=Deploy_1'), 'b.sh': withLines(`#! nixpod name=${'a'.repeat(53)}`), 'nixpod.yaml': 'defaults:\n  namePrefix: -x\n' });
    const r = await runCli(['check', '.'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^a\.sh:3:16: error: 'Deploy_1' must be lowercase .*\[bad-name\]$/m);
    assert.match(r.stdout, /^b\.sh:3:16: error: 'a{53}' must be at most 52 characters .*\[bad-name\]$/m);
    assert.match(r.stdout, /^nixpod\.yaml:2:15: error: '-x' must be lowercase .*\[bad-name\]$/m);
  });
});
