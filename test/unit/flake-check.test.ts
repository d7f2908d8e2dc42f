import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript, type ScriptInput } from '../../src/core/check/script.js';
import { podNix } from '../../src/core/check/nix-version-rules.js';
import { parseShebang } from '../../src/core/shebang/parse.js';
import { parseNixVersion, rulesFor } from '../../src/core/shebang/nix-version.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings/types.js';
import { runCli, tempTree } from '../helpers/cli.js';

const REV = '0123456789abcdef0123456789abcdef01234567';
const check = (text: string, more: Partial<ScriptInput> = {}) => checkScript({ path: 'dir/run.sh', bytes: new TextEncoder().encode(text), explicit: true, ...more });
const rules = (text: string, more: Partial<ScriptInput> = {}) => check(text, more).diagnostics.map((d) => `${d.severity}:${d.rule}`);
const flake = (line: string) => `#!/usr/bin/env nix\n${line}\necho\n`;

describe('checks of #! nix scripts', () => {
  it('a pinned script with a command is clean', () => assert.deepEqual(rules(flake(`#! nix shell github:NixOS/nixpkgs/${REV}#jq --command bash`)), []));
  it('needs a --command that names a program', () => {
    assert.ok(rules(flake(`#! nix shell github:NixOS/nixpkgs/${REV}#jq`)).includes('error:no-command'));
    assert.ok(rules(flake(`#! nix shell github:NixOS/nixpkgs/${REV}#jq --command`)).includes('error:no-command'));
    assert.ok(rules(flake('#! nix build nixpkgs#jq')).includes('error:unsupported-nix-command'));
    assert.ok(rules(flake('#! nix shell nixpkgs#jq --help')).includes('error:never-runs'));
  });
  it('warns about unpinned references and refuses local flakes', () => {
    const r = check(flake('#! nix shell nixpkgs#jq --command bash')).diagnostics;
    assert.deepEqual(r.map((d) => [d.rule, d.severity]), [['unpinned-flake', 'warning']]);
    assert.match(r[0]?.hint ?? '', /github:NixOS\/nixpkgs\/<commit>#jq/);
    for (const local of ['.#foo', 'path:./x#y', '--inputs-from . nixpkgs#jq', 'shell']) assert.ok(rules(flake(`#! nix shell ${local} --command bash`).replace('shell shell', 'shell')).includes('error:local-flake'), local);
  });
  it('knows what nix refuses after reading the words', () => {
    assert.ok(rules(flake(`#! nix shell --arg x 1 github:NixOS/nixpkgs/${REV}#jq -c bash`)).includes('error:args-with-flakes'));
    assert.ok(rules(flake(`#! nix shell -k HOME github:NixOS/nixpkgs/${REV}#jq -c bash`)).includes('error:keep-without-ignore-env'));
    assert.ok(rules(flake(`#! nix shell -i -u HOME github:NixOS/nixpkgs/${REV}#jq -c bash`)).includes('error:unset-with-ignore-env'));
    assert.ok(rules(flake('#! nix shell --expr ``(import <nixpkgs> {}).jq`` -c bash')).includes('error:pure-eval'));
    assert.ok(rules(flake('#! nix shell --impure --expr ``(import <nixpkgs> {}).jq`` -c bash')).includes('warning:unpinned-nixpkgs'));
    assert.ok(rules(flake('#! nix shell --inputs-from nixpkgs --impure --expr ``(import <nixpkgs> {}).jq`` -c bash')).includes('error:inputs-from-search-path'));
    // --inputs-from makes nix's evaluator there and then: impure only when --impure came first (Nix 2.26 ran this one).
    const first = check(flake('#! nix shell --impure --expr ``(import <nixpkgs> {})`` jq --inputs-from nixpkgs -c bash')).diagnostics.map((d) => `${d.severity}:${d.rule}`);
    assert.ok(!first.includes('error:inputs-from-search-path'), first.join(' '));
    assert.ok(first.includes('warning:unpinned-nixpkgs'), first.join(' '));
    assert.match(check(flake('#! nix shell --inputs-from nixpkgs --impure --expr ``(import <nixpkgs> {}).jq`` -c bash')).diagnostics.find((d) => d.rule === 'inputs-from-search-path')?.hint ?? '', /put --impure before --inputs-from/);
    assert.ok(rules(flake('#! nix shell --expr --command bash')).includes('error:flag-as-value'));
    assert.ok(rules(flake(`#! nix shell -s A 1 github:NixOS/nixpkgs/${REV}#jq -s A 2 -c bash`)).includes('error:duplicate-set-env-var'));
  });
  it('checks flake ids against the global registry', () => {
    assert.ok(rules(flake('#! nix shell nix-pkgs#jq -c bash')).includes('error:unknown-flake-id'));
    // nixpkgs has no inputs: through --inputs-from nixpkgs (pinned or not) every id still resolves through the registry.
    for (const from of ['nixpkgs', `github:NixOS/nixpkgs/${REV}`]) {
      assert.ok(rules(flake(`#! nix shell --inputs-from ${from} nixpkgs#curl nix-pkgs#x -c bash`)).includes('error:unknown-flake-id'), from);
      assert.ok(rules(flake(`#! nix shell --inputs-from ${from} nixpkgs#curl -c bash`)).includes('warning:unpinned-flake'), from);
    }
    // Another flake's inputs nixpod cannot see: an id may be one of them.
    assert.ok(!rules(flake(`#! nix shell --inputs-from github:acme/tools/${REV} mytools#cli -c bash`)).includes('error:unknown-flake-id'));
    assert.ok(rules(flake('#! nix shell mycorp#jq -c bash')).includes('error:unknown-flake-id'));
    assert.ok(!rules(flake('#! nix shell home-manager#docs -c bash')).some((r) => r.endsWith(':unknown-flake-id')));
  });
  it('ships --file next to the script', () => {
    const c = check(flake('#! nix shell --file ./deps.nix hello --command bash'));
    assert.deepEqual(c.localRefs.map((r) => [r.kind, r.target]), [['expr-file', './deps.nix']]);
  });
});

describe('the Pod\'s Nix version', () => {
  it('--nix-version wins over the nixVersion setting, which wins over the image tag', () => {
    const s = { ...DEFAULT_SETTINGS, image: 'nixos/nix:2.8.0', nixVersion: '2.20.0' };
    assert.equal(podNix(s, { nixVersion: '2.18.1' }).label, 'Nix 2.18.1 (--nix-version)');
    assert.equal(podNix(s, {}).label, 'Nix 2.20.0 (the nixVersion setting)');
    assert.equal(podNix({ ...s, nixVersion: undefined } as never, { image: 'nixos/nix:2.19.2' }).label, 'Nix 2.19.2 (image nixos/nix:2.19.2)');
    assert.equal(podNix(undefined, { image: 'nixos/nix:latest' }).label, undefined);
  });
  it('reads nix-shell lines as Nix 2.0–2.18 does', () => {
    const old = (line: string) => parseShebang(`#!/usr/bin/env nix-shell\n${line}\n`, { rules: rulesFor(parseNixVersion('2.8.0')) }).words.map((w) => w.value);
    assert.deepEqual(old(`#! nix-shell -p 'a b'`), ['-p', "'a", "b'"]);
    assert.deepEqual(old('#! nix-shell  -p a'), ['', '-p', 'a']);
    assert.deepEqual(old('#! nix-shell\t-p a'), []);
    assert.deepEqual(old('#! nix-shell -p "a b'), ['-p', 'a b']);
    assert.deepEqual(old(`#! nix-shell -p a "" b ""`), ['-p', 'a', '', 'b']);
    assert.deepEqual(old(`#! nix-shell -p 'a\\b'`), ['-p', "'ab'"]);
  });
  it('warns where the readings differ, from a #! nixpod line too', () => {
    const text = "#!/usr/bin/env nix-shell\n#! nix-shell -i bash -p jq 'x'\n#! nixpod nix-version=2.18.1\necho\n";
    const d = check(text).diagnostics.find((x) => x.rule === 'nix-version-reading');
    assert.match(d?.message ?? '', /current Nix \(2\.24 and later\) reads .*"x".*the Pod's Nix 2\.18\.1 \(the nixVersion setting\) reads .*"'x'"/);
    assert.deepEqual(rules(text, { nixVersion: '2.24.0' }).filter((r) => r.includes('nix-version')), []);
  });
  it('has no #! nix scripts before 2.19', () => {
    assert.ok(rules(flake(`#! nix shell github:NixOS/nixpkgs/${REV}#jq --command bash`), { image: 'nixos/nix:2.18.1' }).includes('error:nix-too-old'));
  });
});

describe('nixpod --nix-version', () => {
  it('refuses what is not a version (exit 2), and takes one on every command that reads scripts', async () => {
    const dir = tempTree({ 'a.sh': flake(`#! nix shell github:NixOS/nixpkgs/${REV}#jq --command bash`) });
    const bad = await runCli(['check', '--nix-version', 'latest', 'a.sh'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /'latest' is not a Nix version/);
    const old = await runCli(['render', '--nix-version', '2.18', 'a.sh'], dir);
    assert.equal(old.code, 1);
    assert.match(old.stderr, /nix-too-old/);
    const json = await runCli(['check', '--format', 'json', 'a.sh'], dir);
    assert.equal((JSON.parse(json.stdout) as { scripts: { shebang: { dialect: string } }[] }).scripts[0]?.shebang.dialect, 'nix');
    for (const cmd of ['apply', 'diff', 'run']) {
      const r = await runCli([cmd, '--nix-version', 'x', 'a.sh'], dir);
      assert.equal(r.code, 2, cmd);
    }
  });
});
