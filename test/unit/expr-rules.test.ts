import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ResolvedRefs } from '../../src/core/bundle/files.js';
import { checkScript } from '../../src/core/check/script.js';
import { runCli, script, tempTree } from '../helpers/cli.js';

const enc = (s: string) => new TextEncoder().encode(s);
const diags = (text: string, resolved?: ResolvedRefs) => checkScript({ path: 'run.sh', bytes: enc(text), explicit: true, ...(resolved ? { resolved, dir: '/w' } : {}) }).diagnostics;
const found = (text: string, rule: string) => diags(text).filter((d) => d.rule === rule);

describe('checks: --arg values and -E expressions Nix refuses', () => {
  it('an undefined variable in --arg, at the name itself, with Nix\'s message', () => {
    const [d, ...rest] = found(script('#! nix-shell -i bash -p jq --arg config curl'), 'undefined-variable');
    assert.equal(rest.length, 0);
    assert.equal(d?.severity, 'error');
    assert.equal(d?.line, 2);
    assert.equal(d?.col, 41);
    assert.match(d?.message ?? '', /^--arg config: undefined variable 'curl'/);
    assert.match(d?.hint ?? '', /\(import <nixpkgs> \{ \}\)\.curl/);
  });
  it('columns survive quotes: the z of "y: y + z"', () => {
    const [d] = found(script('#! nix-shell -i bash -p jq --arg config "y: y + z"'), 'undefined-variable');
    assert.equal(d?.col, 49);
  });
  it('-E words, each parsed on its own; pkgs gets a let hint', () => {
    const ds = found(script('#! nix-shell -i bash -E "pkgs.mkShell {}"'), 'undefined-variable');
    assert.deepEqual(ds.map((d) => d.message), ["-E expression: undefined variable 'pkgs' (Nix refuses the expression before evaluating it)"]);
    assert.match(ds[0]?.hint ?? '', /let pkgs = import <nixpkgs>/);
  });
  it('rec sets, syntax errors', () => {
    assert.equal(found(script('#! nix-shell -i bash -p jq --arg config "rec { a = b; }"'), 'undefined-variable').length, 1);
    const [s] = found(script('#! nix-shell -i bash -E "with import <nixpkgs> {}; mkShell { buildInputs = [ (jq ]; }"'), 'expr-syntax');
    assert.match(s?.message ?? '', /syntax error: unexpected '\]'/);
  });
  it('accepts well-scoped expressions, and -p words (they sit under `with`)', () => {
    const ok = script('#! nix-shell -i bash -p curl "python3.withPackages (ps: [ ps.requests ])" --arg config "{ allowUnfree = true; }" --argstr system x86_64-linux');
    assert.deepEqual(diags(ok), []);
    assert.deepEqual(found(script('#! nix-shell -i bash -E "with import <nixpkgs> { }; mkShell { packages = [ jq ]; }"'), 'undefined-variable'), []);
    assert.deepEqual(found(script('#! nix-shell -i bash -E "{ pkgs ? import <nixpkgs> { } }: pkgs.mkShell { }"'), 'undefined-variable'), []);
  });
});

describe('checks: -p passes every --arg and --argstr to nixpkgs', () => {
  it('names nixpkgs does not take are ignored: a warning', () => {
    const [d] = found(script('#! nix-shell -i bash -p jq --argstr greeting hi'), 'nixpkgs-ignores-arg');
    assert.equal(d?.severity, 'warning');
    assert.match(d?.message ?? '', /--argstr greeting has no effect/);
    assert.deepEqual(found(script('#! nix-shell -i bash -E "{ greeting }: 1" --argstr greeting hi'), 'nixpkgs-ignores-arg'), [], 'not without -p');
  });
  it('--argstr overlays is a string where nixpkgs wants a list; system with localSystem fails its assertion', () => {
    assert.equal(found(script('#! nix-shell -i bash -p jq --argstr overlays x'), 'nixpkgs-arg-type').length, 1);
    assert.equal(found(script('#! nix-shell -i bash -p jq --argstr system x86_64-linux --arg localSystem "{ system = \\"x86_64-linux\\"; }"'), 'nixpkgs-arg-conflict').length, 1);
  });
});

describe('checks: -I nixpkgs=DIR, a relative folder without default.nix', () => {
  const text = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I nixpkgs=.\necho\n';
  const resolved = (rels: string[]): ResolvedRefs => ({ files: rels.map((rel) => ({ rel, bytes: enc('{ }') })), missing: new Map(), importProblems: [] });
  it('is an error with -p, with a hint to pin by URL', () => {
    const [d] = diags(text, resolved(['notes.txt'])).filter((x) => x.rule === 'nixpkgs-folder');
    assert.equal(d?.severity, 'error');
    assert.equal(d?.col, 28, 'the -I flag');
    assert.match(d?.hint ?? '', /nixpkgs=https:\/\/github\.com\/NixOS\/nixpkgs\/archive/);
  });
  it('is fine when the folder has default.nix, and not said without the file facts', () => {
    assert.deepEqual(diags(text, resolved(['default.nix'])).filter((x) => x.rule === 'nixpkgs-folder'), []);
    assert.deepEqual(diags(text).filter((x) => x.rule === 'nixpkgs-folder'), []);
    const sub = text.replace('nixpkgs=.', 'nixpkgs=./np');
    assert.deepEqual(diags(sub, resolved(['np/default.nix'])).filter((x) => x.rule === 'nixpkgs-folder'), []);
    assert.equal(diags(sub, resolved(['np/lib.nix'])).filter((x) => x.rule === 'nixpkgs-folder').length, 1);
  });
  it('without -p, only where <nixpkgs> is named', () => {
    const e = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -E "import ./shell.nix" -I nixpkgs=.\necho\n';
    assert.deepEqual(diags(e, resolved(['shell.nix'])).filter((x) => x.rule === 'nixpkgs-folder'), []);
    const uses = { files: [{ rel: 'shell.nix', bytes: enc('with import <nixpkgs> { }; mkShell { }') }], missing: new Map(), importProblems: [] };
    assert.equal(diags(e, uses).filter((x) => x.rule === 'nixpkgs-folder').length, 1);
  });
});

describe('checks: -I nixpkgs=FILE.nix and folders spelled with ..', () => {
  const diagsOf = (value: string, files: string[], includes?: [string, string]): unknown[] => {
    const text = `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I nixpkgs=${value}\necho\n`;
    const r: ResolvedRefs = { files: files.map((rel) => ({ rel, bytes: enc('{ }') })), missing: new Map(), importProblems: [] };
    if (includes) r.includes = new Map([[`include\0${includes[0]}`, includes[1]]]);
    return diags(text, r).filter((x) => x.rule === 'nixpkgs-folder');
  };
  it('a .nix file is <nixpkgs> itself: no default.nix needed beside it', () => {
    assert.deepEqual(diagsOf('./withdef/pkgs.nix', ['withdef/pkgs.nix']), []);
    assert.deepEqual(diagsOf('withdef/pkgs.nix', ['withdef/pkgs.nix']), []);
  });
  it('a folder spelled through .. is compared as the I/O layer resolved it', () => {
    assert.deepEqual(diagsOf('../na/withdef', ['withdef/default.nix'], ['../na/withdef', 'withdef']), []);
    assert.equal(diagsOf('../na/withdef', ['withdef/lib.nix'], ['../na/withdef', 'withdef']).length, 1);
    assert.deepEqual(diagsOf('./np/../np', ['np/default.nix']), []);
  });
});

describe('checks: -I nixpkgs=. through the CLI, on real folders', () => {
  // What Nix itself does (Nix 2.8 here): a .nix file, and a folder reached through .., both import as <nixpkgs>.
  const nixSkip = spawnSync('nix-instantiate', ['--version']).status === 0 ? false : 'nix-instantiate is not installed';
  it('-I nixpkgs=./withdef/pkgs.nix and -I nixpkgs=../na/withdef pass, as Nix imports both', { skip: nixSkip }, async () => {
    const tree = { 'na/withdef/default.nix': '{ ... }: { ok = 1; }\n', 'na/withdef/pkgs.nix': '{ ... }: { ok = 2; }\n', '.git/HEAD': 'ref: x\n' };
    for (const [value, ok] of [['./withdef/pkgs.nix', '2'], ['../na/withdef', '1']]) {
      const dir = tempTree({ ...tree, 'na/b8.sh': `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I nixpkgs=${value}\necho hi\n` });
      const nix = spawnSync('nix-instantiate', ['--eval', '-I', `nixpkgs=${value}`, '-E', '(import <nixpkgs> { }).ok'], { cwd: join(dir, 'na'), encoding: 'utf8' });
      assert.equal(nix.stdout.trim(), ok, nix.stderr);
      const r = await runCli(['check', 'na/b8.sh'], dir);
      assert.doesNotMatch(r.stdout, /nixpkgs-folder/, value);
    }
    const bare = tempTree({ 'na/nodef/lib.nix': '{ }\n', '.git/HEAD': 'ref: x\n', 'na/b8.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I nixpkgs=../na/nodef\necho hi\n' });
    assert.match((await runCli(['check', 'na/b8.sh'], bare)).stdout, /the folder \.\.\/na\/nodef has no default\.nix.*\[nixpkgs-folder\]/);
  });

  const text = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I nixpkgs=.\necho hi\n';
  it('exits 1 naming the -I entry when the folder has no default.nix, 0 when it has one', async () => {
    const bare = await runCli(['check', 'run.sh'], tempTree({ 'run.sh': text, '.git/HEAD': 'ref: x\n' }));
    assert.equal(bare.code, 1);
    assert.match(bare.stdout, /run\.sh:2:28: error: -I nixpkgs=\.: the folder \. has no default\.nix.*\[nixpkgs-folder\]/);
    const withDefault = await runCli(['check', 'run.sh'], tempTree({ 'run.sh': text, 'default.nix': '{ }\n', '.git/HEAD': 'ref: x\n' }));
    assert.equal(withDefault.code, 0, withDefault.stdout + withDefault.stderr);
  });
});
