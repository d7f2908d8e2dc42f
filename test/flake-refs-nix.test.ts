import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkScript } from '../src/core/check/script.js';
import { runCli, tempTree } from './helpers/cli.js';
import { ORACLE_CHROOT, oracleSkip } from './helpers/oracle.js';
import { SHARED } from './helpers/shared.js';

const REV = '0123456789abcdef0123456789abcdef01234567';
const flake = (line: string): string => `#!/usr/bin/env nix\n${line}\necho\n`;
const rules = (text: string): string[] => checkScript({ path: 'run.sh', bytes: new TextEncoder().encode(text), explicit: true }).diagnostics.map((d) => `${d.severity}:${d.rule}`);

/** Nix 2.26 on each script, offline: where it gets as far as fetching, it read the reference. */
function nixErrors(texts: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-refs-'));
  const files = texts.map((t, i) => {
    const f = join(dir, `s${i}.sh`);
    writeFileSync(f, t, { mode: 0o755 });
    return f;
  });
  const r = spawnSync(process.execPath, [join(SHARED ?? '', 'nix-oracle/nix-flake-oracle.mjs'), ...files], { encoding: 'utf8', env: { ...process.env, ORACLE_CHROOT: ORACLE_CHROOT ?? '', ORACLE_TIMEOUT: '30' } });
  assert.equal(r.status, 0, r.stderr);
  const byFile = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; error?: string }).map((x) => [x.file, x.error ?? '']));
  return files.map((f) => byFile.get(f) ?? 'no result');
}

describe('github: references with a ref of several segments', () => {
  const refs = ['github:NixOS/nixpkgs/refs/tags/24.11#jq', 'github:o/r/release-24.11/x#jq', 'github:o/r/a//b#jq', 'gitlab:o/r/a/b#jq'];

  it('Nix 2.26 reads them (it goes on to fetch), and nixpod says unpinned-flake, not flake-ref', { skip: oracleSkip }, () => {
    const errors = nixErrors(refs.map((r) => flake(`#! nix shell ${r} --command bash`)));
    refs.forEach((ref, i) => {
      assert.match(errors[i] ?? '', /unable to download 'https:\/\/(api\.github\.com|gitlab\.com)\//, `${ref}: ${errors[i]}`);
      assert.deepEqual(rules(flake(`#! nix shell ${ref} --command bash`)), ['warning:unpinned-flake'], ref);
    });
  });

  it('a 40-hex rev is pinned, a ref that ends in one is not', () => {
    assert.deepEqual(rules(flake(`#! nix shell github:o/r/${REV}#jq --command bash`)), []);
    assert.deepEqual(rules(flake(`#! nix shell github:o/r/refs/heads/${REV}#jq --command bash`)), ['warning:unpinned-flake']);
    assert.ok(rules(flake('#! nix shell github:o#jq --command bash')).includes('error:flake-ref'));
  });
});

describe('--inputs-from and flake-registry: what the Pod resolves through', () => {
  it('an indirect reference through a pinned --inputs-from flake is pinned', () => {
    assert.deepEqual(rules(flake(`#! nix shell --inputs-from github:acme/tools/${REV} nixpkgs#python3 --command python3`)), []);
    // An unpinned --inputs-from flake pins nothing.
    assert.deepEqual(rules(flake('#! nix shell --inputs-from github:acme/tools nixpkgs#python3 --command python3')), ['warning:unpinned-flake']);
    // An id may be one of that flake's inputs: not judged against the global registry.
    assert.deepEqual(rules(flake(`#! nix shell --inputs-from github:acme/tools/${REV} mytools#cli --command cli`)), []);
  });

  it('unknown-flake-id is not said when nixConfig sets flake-registry (the user\'s own registry)', async () => {
    const script = flake('#! nix shell acme#cli --command cli');
    const dir = tempTree({ 'a.sh': script });
    const without = await runCli(['check', 'a.sh'], dir);
    assert.match(without.stdout, /\[unknown-flake-id\]/);
    writeFileSync(join(dir, 'nixpod.yaml'), 'defaults:\n  nixConfig:\n    flake-registry: https://acme.example/registry.json\n');
    const r = await runCli(['check', 'a.sh'], dir);
    assert.doesNotMatch(r.stdout, /unknown-flake-id/);
    assert.match(r.stdout, /\[unpinned-flake\]/);
  });
});
