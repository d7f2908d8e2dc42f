import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createChecker } from '../../src/core/check/memo.js';
import { checkScript, type CheckedScript, type ScriptInput } from '../../src/core/check/script.js';
import { configLayers, matchingRules } from '../../src/core/settings/script-settings.js';
import { summarizeShebang } from '../../src/core/shebang/parse.js';
import { parseSettingsConfig } from '../../src/core/settings/config-file.js';
import { pick, randomText, rng } from '../helpers/random.js';

/** Headers that share (plain nix-shell scripts, with and without findings) and headers that must not. */
const HEADERS = [
  '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq curl\n',
  '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq jq\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\n',
  '#! /usr/bin/env nix-shell\n#! nix-shell -p jq\n',
  '#! /usr/bin/env nix-shell\n#! nix-shell --pure -i bash -p "python3.withPackages (ps: [ ps.requests ])"\n',
  '#!/usr/bin/env nix-shell\n#!nix-shell -i python3 -p python3 --keep HOME\n',
  '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "unclosed\n',
  '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -E "with import <nixpkgs> {}; hello"\n',
  '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n#! nixpod kind=job\n',
  '#! /usr/bin/env nix-shell\n#! nix-shell -i bash ./shell.nix\n',
  '#!/usr/bin/env nix\n#! nix shell nixpkgs#jq --command bash\n',
  '#!/bin/bash\necho not nix\n',
  '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n\u00e9t\u00e9\n#! nix-shell -p curl\n',
  `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p ${'x'.repeat(300)}\n`,
  '\n\n#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n',
];
const BODIES = ['', 'echo hi\n', 'echo nixpod\n#!/bin/sh inside a heredoc\n', 'a\r\nb\n', 'trailing   \n\tTab {{ x }}\n', '#! nix-shell -p git\n'];
const NAMES = ['a.sh', 'b.py', 'c', 'old', 'D.RB', 'dir/e.sh', 'x y.sh', '日本.sh', "a$&b$'c$`$$.sh"];
const CONFIG = parseSettingsConfig('defaults:\n  env:\n    - name: TOKEN\n      value: x\nscripts:\n  - match: "*.py"\n    kind: cronjob\n  - match: "**/*.sh"\n    labels: {team: a}\n  - match: "**/c"\n    labels: {script: c}\n  - match: "**/old"\n    nixVersion: "2.8"\n', 'conf/nixpod.yaml');

function inputs(seed: number, n: number): ScriptInput[] {
  const r = rng(seed);
  const out: ScriptInput[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${i}/${pick(r, NAMES)}`;
    const body = r() < 0.2 ? randomText(r) : pick(r, BODIES);
    let bytes: Uint8Array = new TextEncoder().encode(pick(r, HEADERS) + body);
    if (r() < 0.05) bytes = Uint8Array.from([...bytes, 0xff, 0xfe]);
    if (r() < 0.03) bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes]);
    const layers = r() < 0.5 ? configLayers(CONFIG, matchingRules(CONFIG, name)) : [];
    out.push({ path: name, bytes, explicit: r() < 0.3, source: `repo/${name}`, settingsLayers: layers, ...(r() < 0.1 ? { nixVersion: '2.8' } : {}) });
  }
  return out;
}

const view = (c: CheckedScript) => ({ ...c, text: c.text });

describe('check memo: one check per distinct header', () => {
  it('gives every script exactly what checkScript gives it', () => {
    const check = createChecker();
    for (const input of inputs(7, 1500)) assert.deepStrictEqual(view(check(input)), view(checkScript(input)), input.path);
  });

  it('shares the parse between scripts of one header, and only then', () => {
    const check = createChecker();
    const text = (body: string) => new TextEncoder().encode(`#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq jq\n${body}`);
    const a = check({ path: 'a.sh', bytes: text('echo a\n'), explicit: false });
    const b = check({ path: 'sub/b.sh', bytes: text('echo b\n'), explicit: false });
    assert.equal(a.model, b.model);
    assert.ok(b.diagnostics.length > 0 && b.diagnostics.every((d) => d.path === 'sub/b.sh'));
    assert.equal(b.text, '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq jq\necho b\n');
    // A `#!` line far down the body is part of the header: another header, another parse.
    const c = check({ path: 'c.sh', bytes: text('echo c\n#! nix-shell -p git\n'), explicit: false });
    assert.notEqual(c.model, a.model);
    assert.deepEqual(summarizeShebang(c.model).packages, ['jq', 'jq', 'git']);
  });

  it('parses a header once for all the nixpod.yaml contexts it meets, once per Nix the Pod runs', () => {
    const check = createChecker();
    const bytes = new TextEncoder().encode('#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq jq\necho\n');
    const under = (path: string) => check({ path, bytes, explicit: false, settingsLayers: configLayers(CONFIG, matchingRules(CONFIG, path)) });
    const [plain, labelled, legacy, legacyToo] = [under('a'), under('x/c'), under('x/old'), under('y/old')];
    assert.notDeepEqual(plain.settings, labelled.settings);
    assert.equal(labelled.model, plain.model, 'other settings, the same Nix: one parse');
    assert.notEqual(legacy.model, plain.model, 'Nix 2.8 in the Pod: read with its rules');
    assert.equal(legacyToo.model, legacy.model);
    for (const [got, path] of [[plain, 'a'], [labelled, 'x/c'], [legacy, 'x/old']] as const) {
      assert.deepStrictEqual(view(got), view(checkScript({ path, bytes, explicit: false, settingsLayers: configLayers(CONFIG, matchingRules(CONFIG, path)) })));
    }
  });

  it('writes the script path into messages that name it', () => {
    const check = createChecker();
    const script = new TextEncoder().encode('#! /usr/bin/env nix-shell\n#! nix-shell --pure -i bash -p jq\necho\n');
    const layers = configLayers(CONFIG, matchingRules(CONFIG, 'x.sh'));
    for (const path of ['one/x.sh', 'two/x.sh', "a$&b$'c$`d$$e$1.sh"]) {
      const got = check({ path, bytes: script, explicit: false, settingsLayers: layers });
      const clash = got.diagnostics.find((d) => d.rule === 'pure-drops-env');
      assert.ok(clash, 'the env from nixpod.yaml is erased by --pure');
      assert.ok(clash.message.includes(`(for ${path})`) && clash.hint?.includes(path), clash.message);
      assert.doesNotMatch(JSON.stringify(got.diagnostics), /\\u0000/);
    }
  });

  it('keeps the text through a spread, as a plain result does', () => {
    const check = createChecker();
    const bytes = new TextEncoder().encode('#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\necho \u00e9\n');
    check({ path: 'a.sh', bytes, explicit: false });
    const b = check({ path: 'b.sh', bytes, explicit: false });
    assert.equal({ ...b, settings: undefined }.text, '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\necho \u00e9\n');
  });
});
