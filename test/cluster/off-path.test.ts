import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { duration } from '../../src/cli/flags.js';
import { ROOT, runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';
import { spawnNixpod } from '../helpers/spawn.js';

/** What a hostile review of the cluster commands found, each held by a test on the built CLI or in-process. */
describe('off the happy path: timeouts, hang-ups, refused applies, machine output, flag values', () => {
  let fake: FakeKube;
  let dir: string;
  before(async () => {
    fake = await new FakeKube({
      users: { admin: { name: 'admin' }, reader: { name: 'reader', verbs: ['get', 'list', 'watch'] } },
      kubelet: (pod) => (JSON.stringify(pod).includes('stuck') ? null : JSON.stringify(pod).includes('long') ? { lines: ['working'], exitCode: 0, runMs: 600_000 } : { lines: ['one', 'two'], exitCode: 0 }),
    }).start();
    dir = tempTree({ 'stuck.sh': script('#! nix-shell -i bash -p jq'), 'long.sh': script('#! nix-shell -i bash -p jq'), 'ok.sh': script('#! nix-shell -i bash -p jq') });
    writeFileSync(join(dir, 'kc'), fake.kubeconfig('admin'));
    writeFileSync(join(dir, 'reader-kc'), fake.kubeconfig('reader'));
  });
  after(() => fake.close());

  it('--timeout fires even when the garbage collector runs often (AbortSignal.timeout could be collected on Node 20)', async () => {
    const t0 = Date.now();
    const r = await spawnNixpod(['apply', '--kubeconfig', 'kc', '-n', 'default', '--wait', '--timeout', '2s', 'stuck.sh'], dir, { nodeFlags: ['--gc-interval=20'] });
    assert.ok(Date.now() - t0 < 30_000, `took ${Date.now() - t0} ms`);
    assert.equal(r.code, EXIT.problems, r.stderr);
    assert.match(r.stderr, /did not finish/);
  });

  it('the lifetime timer holds its own signal: aborted after a forced collection', () => {
    const code = `import { lifetime } from ${JSON.stringify(join(ROOT, 'dist/src/cluster/cancel.js'))};\nconst l = lifetime(new AbortController().signal, 300);\nlet fired = false;\nl.signal.addEventListener('abort', () => (fired = true));\nsetTimeout(() => gc(), 100);\nsetTimeout(() => { console.log(fired && l.signal.aborted ? 'aborted' : 'never'); }, 1500);\n`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), 'aborted', r.stderr);
  });

  it('run: a --timeout that passes before the objects are applied is an error, never exit 0', async () => {
    const r = await spawnNixpod(['run', '--kubeconfig', 'kc', '-n', 'default', '--timeout', '1ms', 'ok.sh'], dir);
    assert.notEqual(r.code, EXIT.ok, r.stderr);
    assert.match(r.stderr, /--timeout passed/);
  });

  it('run: SIGHUP (a closed terminal) cleans up like SIGINT, exit 129', async () => {
    let sent = false;
    const once = (all: string, kill: (s: NodeJS.Signals) => void): void => {
      if (sent || !/started/.test(all)) return;
      sent = true;
      kill('SIGHUP');
    };
    const r = await spawnNixpod(['run', '--kubeconfig', 'kc', '-n', 'default', 'long.sh'], dir, { onStderr: once });
    assert.equal(r.code, EXIT.sighup, r.stderr);
    const name = /\/(\S+) started/.exec(r.stderr)?.[1] ?? '';
    assert.notEqual(name, '');
    assert.equal(fake.get('pods', 'default', name), undefined);
    assert.equal(fake.get('configmaps', 'default', name), undefined);
  });

  it('run refused by RBAC says nothing was left behind, and deletes nothing it never made', async () => {
    fake.requests.length = 0;
    const r = await runCli(['run', '--kubeconfig', 'reader-kc', '-n', 'default', 'ok.sh'], dir, { HOME: dir });
    assert.equal(r.code, EXIT.cluster);
    assert.match(r.stderr, /forbidden/);
    assert.doesNotMatch(r.stderr, /left behind/);
    assert.equal(fake.requests.filter((q) => q.method === 'DELETE').length, 0);
  });

  it('apply --logs -o json: stdout is one JSON document, the log lines go to stderr', async () => {
    const r = await runCli(['apply', '--kubeconfig', 'kc', '-n', 'default', '--logs', '-o', 'json', 'ok.sh'], dir, { HOME: dir });
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.ok(JSON.parse(r.stdout).items.length > 0);
    assert.match(r.stderr, /\[ok\.sh\] one/);
  });

  it('--applyset: an invalid name, or one without --prune, is a usage error before any request', async () => {
    fake.requests.length = 0;
    for (const bad of ['', '../x', 'a/b', 'UPPER']) {
      const r = await runCli(['apply', '--kubeconfig', 'kc', '--prune', '--applyset', bad, 'ok.sh'], dir, { HOME: dir });
      assert.equal(r.code, EXIT.usage, bad);
    }
    const alone = await runCli(['diff', '--kubeconfig', 'kc', '--applyset', 'other', 'ok.sh'], dir, { HOME: dir });
    assert.equal(alone.code, EXIT.usage);
    assert.match(alone.stderr, /--applyset is used only with --prune/);
    assert.equal(fake.requests.length, 0);
  });

  it('--timeout values finer than a millisecond are rounded up, not a crash', () => {
    assert.equal(duration('1.5ms'), 2);
    assert.equal(duration('1.0001s'), 1001);
    assert.equal(duration('500ns'), 1);
  });
});

describe('off the happy path: files', () => {
  it('a shipped .nix file naming a folder as a value (src = ./.;) is not a missing import', async () => {
    const dir = tempTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'shell.nix': '{ pkgs ? import <nixpkgs> {} }: pkgs.mkShell { src = ./.; other = ./sub; }\n', 'sub/x.txt': 'x', 'a.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash shell.nix\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\necho hi\n' });
    const r = await runCli(['check', 'a.sh'], dir);
    assert.doesNotMatch(r.stdout, /missing-file/, r.stdout);
  });
  it('a file name with a newline stays on one diagnostic line', async () => {
    const dir = tempTree({});
    mkdirSync(join(dir, 's'));
    writeFileSync(join(dir, 's', 'a\nb.sh'), '#! /usr/bin/env nix-shell\n#! nix-shell -p jq\necho no interpreter\n');
    const r = await runCli(['check', 's'], dir);
    assert.match(r.stdout, /^s\/a\\x0ab\.sh:2:/m);
  });
  it('-o naming a file is said to be a file', async () => {
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq'), afile: 'x' });
    const r = await runCli(['render', '-o', 'afile', 'a.sh'], dir);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.stderr, /is a file, not a folder/);
  });
});
