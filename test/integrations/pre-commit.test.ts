import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { cpSync } from 'node:fs';
import { parse } from 'yaml';
import { BIN, ROOT, script, tempTree } from '../helpers/cli.js';
import { toolSkip } from '../helpers/tools.js';

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
};

/** nixpod's repository as pre-commit fetches it: its sources at one commit (try-repo clones it). */
function hookRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-hook-repo-'));
  cpSync(ROOT, dir, { recursive: true, filter: (src) => !/^(node_modules|dist|\.git|\.bench-tmp)(\/|$)/.test(relative(ROOT, src)) });
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'nixpod');
  return dir;
}

describe('the nixpod-check pre-commit hook', () => {
  it('is declared for pre-commit: node, entry nixpod with --skip-non-scripts, text files', () => {
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
    const hook = hooks.find((h) => h.id === 'nixpod-check');
    assert.deepEqual({ language: hook?.language, entry: hook?.entry, types: hook?.types }, { language: 'node', entry: 'nixpod check --skip-non-scripts', types: ['text'] });
  });

  // Slow (pre-commit installs nixpod with npm: ~1-3 minutes), and what users run.
  it('fails a commit with a bad script, printing file:line:col, and passes a good one (real pre-commit try-repo)', { skip: toolSkip('pre-commit'), timeout: 900_000 }, () => {
    const repo = hookRepo();
    const work = tempTree({ 'good.sh': script('#! nix-shell -i bash -p curl'), 'bin/bad': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "curl\necho hi\n', 'README.md': '# not a script\n', 'nixpod.yaml': 'defaults:\n  kind: job\n' });
    git(work, 'init', '-q');
    git(work, 'add', '-A');
    const env = { ...process.env, PRE_COMMIT_HOME: join(work, '.cache-pre-commit'), PRE_COMMIT_COLOR: 'never' };
    const all = spawnSync('pre-commit', ['try-repo', repo, 'nixpod-check', '--all-files'], { cwd: work, env, encoding: 'utf8', timeout: 900_000 });
    assert.equal(all.status, 1, all.stdout + all.stderr);
    assert.match(all.stdout, /^nixpod check\.+Failed$/m);
    assert.match(all.stdout, /^bin\/bad:2:25: error: unterminated double quote: .*\[unterminated-quote\]$/m);
    // README.md and nixpod.yaml were passed too, and skipped as in a folder.
    assert.match(all.stdout, /^1 error, 0 warnings in 2 scripts \(2 other files skipped: no #! nix-shell line\)$/m);
    const good = spawnSync('pre-commit', ['try-repo', repo, 'nixpod-check', '--files', 'good.sh', 'README.md'], { cwd: work, env, encoding: 'utf8', timeout: 900_000 });
    assert.equal(good.status, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /^nixpod check\.+Passed$/m);
  });

  it('nixpod-render-check: passes while the committed manifests are current, fails naming the stale file once a script changes (real pre-commit run)', { skip: toolSkip('pre-commit'), timeout: 900_000 }, () => {
    const repo = hookRepo();
    const rev = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
    const work = tempTree({ 'scripts/good.sh': script('#! nix-shell -i bash -p curl') });
    // In the repository first: names hash the script's path from the repository root.
    git(work, 'init', '-q');
    assert.equal(spawnSync(process.execPath, [BIN, 'render', '-o', 'manifests', 'scripts'], { cwd: work }).status, 0);
    writeFileSync(join(work, '.pre-commit-config.yaml'), `repos:\n  - repo: ${repo}\n    rev: ${rev}\n    hooks:\n      - id: nixpod-render-check\n        args: [-o, manifests, scripts]\n`);
    git(work, 'add', '-A');
    const env = { ...process.env, PRE_COMMIT_HOME: join(work, '.cache-pre-commit'), PRE_COMMIT_COLOR: 'never' };
    const current = spawnSync('pre-commit', ['run', '--all-files'], { cwd: work, env, encoding: 'utf8', timeout: 900_000 });
    assert.equal(current.status, 0, current.stdout + current.stderr);
    assert.match(current.stdout, /^nixpod render --check\.+Passed$/m);
    appendFileSync(join(work, 'scripts/good.sh'), 'echo changed\n');
    git(work, 'add', '-A');
    const stale = spawnSync('pre-commit', ['run', '--all-files'], { cwd: work, env, encoding: 'utf8', timeout: 900_000 });
    assert.equal(stale.status, 1, stale.stdout + stale.stderr);
    assert.match(stale.stdout, /^nixpod render --check\.+Failed$/m);
    assert.match(stale.stdout, /^stale +manifests\/good-sh\.yaml$/m);
  });
});
