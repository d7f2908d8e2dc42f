import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS_WITH_EXAMPLES, exampleLines } from '../../src/cli/help-examples.js';
import { ROOT, runCli, script, tempTree } from '../helpers/cli.js';

const COMMANDS = ['check', 'index', 'render', 'apply', 'diff', 'run', 'completion'];

describe('help', () => {
  it('gives every command an Examples section, kubectl style (# what, then the command)', async () => {
    assert.deepEqual([...COMMANDS_WITH_EXAMPLES].sort(), [...COMMANDS].sort());
    for (const c of COMMANDS) {
      const r = await runCli([c, '--help'], process.cwd());
      assert.equal(r.code, 0, c);
      const examples = /\nExamples:\n((?: {2}# .+\n {2}.+\n\n?)+)$/.exec(r.stdout);
      assert.ok(examples, `${c} --help has an Examples section at its end:\n${r.stdout}`);
      assert.ok((examples[1]?.match(/^ {2}# /gm) ?? []).length >= 2, c);
    }
    assert.match((await runCli(['help', 'render'], process.cwd())).stdout, /\n {2}nixpod render --kind job -n batch -o manifests\/ scripts\/\n/);
  });

  it('shows the defaults that are not commander defaults: --image, --kind, --context, and paths in words', async () => {
    for (const c of ['render', 'apply', 'diff', 'run']) {
      const out = (await runCli([c, '--help'], process.cwd())).stdout.replace(/\s+/g, ' ');
      assert.match(out, /--image <image> container image for the Pods \(default: nixpod\.yaml's image, else nixos\/nix:\d+\.\d+\.\d+\)/, c);
      assert.match(out, /--kind <kind> .*\(default: the kind they set, else pod\)/, c);
    }
    const apply = (await runCli(['apply', '--help'], process.cwd())).stdout.replace(/\s+/g, ' ');
    assert.match(apply, /paths script files or folders \(default: the current folder\)/);
    assert.match(apply, /--context <name> kubeconfig context to use \(default: the current context\)/);
    assert.doesNotMatch(apply, /default: \[\]/);
  });
});

describe('help examples name real files', () => {
  const named = exampleLines().flatMap(({ command, args }) => args.split(/\s+/).filter((w) => w.startsWith('scripts/')).map((path) => ({ command, args, path })));
  it('every scripts/ path of every example exists in the repository', () => {
    assert.ok(named.length >= 10, `${named.length} paths`);
    for (const { args, path } of named) assert.ok(existsSync(join(ROOT, path)), `${path} (in: nixpod ${args}) does not exist`);
  });
  it('each script an example names is one nixpod checks clean', async () => {
    const files = [...new Set(named.map((n) => n.path).filter((p) => statSync(join(ROOT, p)).isFile()))];
    assert.ok(files.length >= 2, files.join(' '));
    const r = await runCli(['check', ...files], ROOT);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const render = await runCli(['render', 'scripts/backup-postgres.sh'], ROOT);
    assert.match(render.stdout, /^kind: CronJob$/m, 'the example says it prints a CronJob');
  });
});

describe('check --skip-non-scripts', () => {
  const dir = tempTree({ 'good.sh': script('#! nix-shell -i bash -p curl'), 'README.md': '# readme\n', 'Makefile': 'all:\n' });

  it('leaves out named files that are not nix-shell scripts, as in a folder', async () => {
    const r = await runCli(['check', '--skip-non-scripts', 'good.sh', 'README.md', 'Makefile'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '0 errors, 0 warnings in 1 script (2 other files skipped: no #! nix-shell line)\n');
  });

  it('still reports a named script\'s errors; without the flag a named non-script is an error', async () => {
    const bad = tempTree({ 'bad.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "x\n', 'README.md': '# readme\n' });
    const r = await runCli(['check', '--skip-non-scripts', 'bad.sh', 'README.md'], bad);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^bad\.sh:2:25: error: /m);
    const strict = await runCli(['check', 'README.md'], bad);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /^README\.md:1:1: error: .*\[not-a-script\]/m);
  });
});
