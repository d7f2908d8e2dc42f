import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXIT } from '../src/cli/exit-codes.js';
import { runCli, tempTree } from './helpers/cli.js';

/** Input sized to break recursion and argument limits: findings or output, never an internal error. */
describe('hostile input sizes', () => {
  const head = '#! /usr/bin/env nix-shell\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\n';
  const words = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

  it('a 130,000-word shebang line is parsed, checked and rendered', async () => {
    const dir = tempTree({ 'big.sh': `${head}#! nix-shell -i bash -p ${words(130_000, (i) => `p${i}`)}\necho hi\n` });
    const c = await runCli(['check', 'big.sh'], dir);
    assert.equal(c.code, EXIT.ok, c.stderr.slice(0, 500));
    const r = await runCli(['render', 'big.sh'], dir);
    assert.equal(r.code, EXIT.ok, r.stderr.slice(0, 500));
    assert.match(r.stdout, /p129999/);
  });

  it('130,000 words that are each a finding: all reported, exit 1', async () => {
    const dir = tempTree({ 'bad.sh': `${head}#! nix-shell -i bash -p ${words(130_000, () => '$')}\necho hi\n` });
    const c = await runCli(['check', '--format', 'json', 'bad.sh'], dir);
    assert.equal(c.code, EXIT.problems, c.stderr.slice(0, 500));
    assert.equal((JSON.parse(c.stdout) as { summary: { errors: number } }).summary.errors, 130_000);
  });

  it('130,000 repeated flags and a 50,000-deep expression', async () => {
    const dir = tempTree({
      'flags.sh': `${head}#! nix-shell -i bash ${words(130_000, () => '-p')} jq\necho hi\n`,
      'deep.sh': `${head}#! nix-shell -i bash -p "${'('.repeat(50_000)}"\necho hi\n`,
    });
    for (const f of ['flags.sh', 'deep.sh']) {
      const c = await runCli(['check', f], dir);
      assert.ok(c.code === EXIT.ok || c.code === EXIT.problems, `${f}: ${c.code} ${c.stderr.slice(0, 500)}`);
      assert.doesNotMatch(c.stderr, /internal error/);
    }
  });
});

describe('diagnostics quoting huge words', () => {
  it('text and github output shorten them; json keeps them whole', async () => {
    const word = '('.repeat(50_000);
    const dir = tempTree({ 'deep.sh': `#! /usr/bin/env nix-shell\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\n#! nix-shell -i bash -p "${word}"\necho hi\n` });
    const text = await runCli(['check', 'deep.sh'], dir);
    assert.equal(text.code, EXIT.problems);
    assert.ok(text.stdout.length < 2000, `${text.stdout.length} characters`);
    assert.match(text.stdout, /…\[\d+ characters\]…/);
    const gh = await runCli(['check', '--format', 'github', 'deep.sh'], dir);
    assert.ok(gh.stdout.length < 2000);
    const json = await runCli(['check', '--format', 'json', 'deep.sh'], dir);
    assert.ok(json.stdout.includes(word));
  });
});
