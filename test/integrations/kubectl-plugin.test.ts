import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, before } from 'node:test';
import { ROOT, script, tempTree } from '../helpers/cli.js';
import { toolSkip } from '../helpers/tools.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts:
- {name: one, context: {cluster: c, user: u, namespace: from-one}}
- {name: two, context: {cluster: c, user: u, namespace: from-two}}
current-context: one
`;

/** `npm i -g nixpod` into a folder of its own: what a user gets, bin entries included. */
function installPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-global-'));
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const tgz = join(dir, pack.stdout.trim().split('\n').pop() ?? '');
  const r = spawnSync('npm', ['install', '--global', '--prefix', join(dir, 'prefix'), '--no-fund', '--no-audit', tgz], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return join(dir, 'prefix', 'bin');
}

describe('kubectl nixpod: the kubectl-nixpod bin run by the real kubectl', { skip: toolSkip('kubectl', ['version', '--client']) }, () => {
  let bin = '';
  let dir = '';
  const kubectl = (...args: string[]) => {
    const r = spawnSync('kubectl', args, { cwd: dir, encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: dir } });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  before(() => {
    bin = installPackage();
    dir = tempTree({ 'scripts/good.sh': script('#! nix-shell -i bash -p curl'), 'bad/bad.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "curl\n', kubeconfig: KUBECONFIG });
  });

  it('is found as a plugin and names itself kubectl nixpod in its help', () => {
    assert.match(kubectl('plugin', 'list').stdout, /\/kubectl-nixpod$/m);
    const help = kubectl('nixpod', 'check', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: kubectl nixpod check \[options\] \[paths\.\.\.\]$/m);
    assert.match(help.stdout, /^Examples:\n {2}# .*\n {2}kubectl nixpod check scripts\/$/m);
  });

  it('passes findings and the exit code through kubectl', () => {
    const r = kubectl('nixpod', 'check', 'bad/');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^bad\/bad\.sh:2:25: error: .*\[unterminated-quote\]$/m);
  });

  it('keeps the meaning of --kubeconfig, --context and -n/--namespace after the plugin name', () => {
    const ns = (...flags: string[]) => {
      const r = kubectl('nixpod', 'apply', '--kubeconfig', 'kubeconfig', ...flags, '--dry-run', 'client', '-o', 'json', 'scripts/');
      assert.equal(r.code, 0, r.stderr);
      return [...new Set((JSON.parse(r.stdout) as { items: { namespace: string }[] }).items.map((i) => i.namespace))];
    };
    assert.deepEqual(ns(), ['from-one']);
    assert.deepEqual(ns('--context', 'two'), ['from-two']);
    assert.deepEqual(ns('--context', 'two', '-n', 'ns1'), ['ns1']);
    assert.deepEqual(ns('--namespace', 'ns2'), ['ns2']);
    const missing = kubectl('nixpod', 'apply', '--kubeconfig', 'kubeconfig', '--context', 'nope', 'scripts/');
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /context "nope" does not exist in kubeconfig .*kubeconfig\n {2}hint: known contexts: one, two/);
  });

  it('gets no global flag put before the plugin name: kubectl refuses those itself', () => {
    const r = kubectl('-n', 'x', 'nixpod', 'check', 'scripts/');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /flags cannot be placed before plugin name: -n/);
  });
});

