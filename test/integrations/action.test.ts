import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it, before } from 'node:test';
import { newRunner, readAction, runStep, type Action, type Runner } from '../helpers/action-runner.js';
import { ROOT, script, tempTree } from '../helpers/cli.js';

const action: Action = readAction(join(ROOT, 'action.yml'));
const [install, check] = action.steps;

/** The action's repository as a runner checks it out: the sources, without node_modules, dist or .git. */
function checkoutAction(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'nixpod-action-')), 'nixpod');
  cpSync(ROOT, dir, { recursive: true, filter: (src) => !/^(node_modules|dist|\.git|\.bench-tmp)(\/|$)/.test(relative(ROOT, src)) });
  return dir;
}

const workspaceFiles = {
  'scripts/good.sh': script('#! nix-shell -i bash -p curl'),
  'scripts/bad.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "curl\necho hi\n',
  'scripts/unknown.sh': script('#! nix-shell -i bash -p curl no-such-package'),
  'my scripts/good one.sh': script('#! nix-shell -i bash -p curl'),
  'my scripts/bad one.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "curl\necho hi\n',
  'README.md': 'not a script\n',
  'packages.txt': 'curl\njq\n',
};

describe('action.yml, run as a runner runs a composite action', () => {
  it('reaches inputs only through env: no ${{ }} inside a run script', () => {
    for (const step of action.steps) assert.doesNotMatch(step.run, /\$\{\{/, step.name);
    assert.deepEqual(Object.keys(action.inputs).sort(), ['nix', 'package-index', 'paths', 'version']);
  });

  let actionPath = '';
  describe('from the action\'s own checkout', () => {
    let runner: Runner;
    before(() => {
      actionPath = checkoutAction();
      runner = newRunner(tempTree(workspaceFiles), actionPath);
      const r = runStep(runner, action, install!, {});
      assert.equal(r.code, 0, r.stderr);
    });

    it('annotates the bad script with its position and fails the step', () => {
      const r = runStep(runner, action, check!, { paths: 'scripts/' });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^::error file=scripts\/bad\.sh,line=2,col=25,title=nixpod unterminated-quote::unterminated double quote/m);
      assert.doesNotMatch(r.stdout, /good\.sh/);
    });

    it('passes on good scripts, named one per line', () => {
      const r = runStep(runner, action, check!, { paths: 'scripts/good.sh\nREADME.md\n' });
      // README.md is named, so it is checked as a script: a clean run needs only scripts.
      assert.equal(r.code, 1);
      const ok = runStep(runner, action, check!, { paths: 'scripts/good.sh\n' });
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.equal(ok.stdout, '');
    });

    it('one path per line when the input has a newline: a path may hold spaces; one line is split on spaces', () => {
      const one = runStep(runner, action, check!, { paths: 'my scripts/good one.sh\n' });
      assert.equal(one.code, 0, one.stdout + one.stderr);
      const lines = runStep(runner, action, check!, { paths: '  my scripts/good one.sh  \n\nmy scripts/bad one.sh\nscripts/good.sh' });
      assert.equal(lines.code, 1, lines.stderr);
      assert.equal(lines.stdout.match(/^::error /gm)?.length, 1, lines.stdout);
      assert.match(lines.stdout, /^::error file=my scripts\/bad one\.sh,line=2,col=25,/m);
      // One line: words, as before (so the spaced name is two paths that do not exist).
      const words = runStep(runner, action, check!, { paths: 'scripts/good.sh my scripts/good one.sh' });
      assert.equal(words.code, 2, words.stdout + words.stderr);
      assert.match(words.stderr, /\bmy\b/);
      assert.equal(runStep(runner, action, check!, { paths: 'scripts/good.sh  scripts/unknown.sh' }).code, 0);
    });

    it('checks packages against package-index', () => {
      const r = runStep(runner, action, check!, { paths: 'scripts/unknown.sh', 'package-index': 'packages.txt' });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^::error file=scripts\/unknown\.sh,line=2,col=\d+,title=nixpod [\w-]+::.*no-such-package/m);
    });

    it('refuses a nix input that is not true or false, and paths are never glob-expanded', () => {
      const bad = runStep(runner, action, check!, { nix: 'yes' });
      assert.equal(bad.code, 2);
      assert.match(bad.stdout, /^::error title=nixpod action::input nix is 'yes'/m);
      const glob = runStep(runner, action, check!, { paths: 'scripts/*.sh' });
      assert.equal(glob.code, 2);
      assert.match(glob.stderr, /scripts\/\*\.sh/);
    });

    it('passes --nix when nix is true', () => {
      // With package-index too, nixpod refuses the pair: proof that --nix reached it, without needing Nix here.
      const r = runStep(runner, action, check!, { nix: 'true', 'package-index': 'packages.txt', paths: 'scripts/good.sh' });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /--nix and --package-index are two ways to do one check/);
    });
  });

  it('installs the given version with npm install --global', { skip: spawnSync('npm', ['--version']).status === 0 ? false : 'npm is not installed' }, () => {
    // A local tarball stands for the registry: `nixpod@file:...` is the same npm spec path as `nixpod@0.1.0`.
    // The checkout built by the install step above: pack it as it is.
    const src = actionPath;
    assert.notEqual(src, '', 'the checkout tests ran first');
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', join(src, '..')], { cwd: src, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const tgz = join(src, '..', pack.stdout.trim().split('\n').pop() ?? '');
    const prefix = mkdtempSync(join(tmpdir(), 'nixpod-npm-prefix-'));
    const runner = newRunner(tempTree(workspaceFiles), src, { npm_config_prefix: prefix });
    const r = runStep(runner, action, install!, { version: `file:${tgz}` });
    assert.equal(r.code, 0, r.stderr);
    const c = runStep(runner, action, check!, { paths: 'scripts/bad.sh' });
    assert.equal(c.code, 1, c.stderr);
    assert.match(c.stdout, /^::error file=scripts\/bad\.sh,line=2,col=25,/m);
  });
});
