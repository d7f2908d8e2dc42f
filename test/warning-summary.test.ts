import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRunFindings } from '../src/cli/reporter.js';
import type { Diagnostic } from '../src/core/diagnostic.js';
import { runCli, tempTree } from './helpers/cli.js';

const UNPINNED = (i: number): string => `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\necho ${i}\n`;
const BROKEN = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "jq\necho\n';

function folder(unpinned: number, extra: Record<string, string> = {}): string {
  const files: Record<string, string> = { ...extra };
  for (let i = 0; i < unpinned; i++) files[`s${i}.sh`] = UNPINNED(i);
  return tempTree(files);
}

describe('render and apply: one line per warning rule; check: every warning; --quiet', () => {
  it('five warnings of one rule: one line with the count, the first message, three files and how many more, and a pointer to check', async () => {
    const r = await runCli(['render', '.'], folder(5));
    assert.equal(r.code, 0);
    const lines = r.stderr.split('\n');
    assert.equal(lines[0], "warning: 5 × [unpinned-nixpkgs] in 5 files (s0.sh, s1.sh, s2.sh and 2 more), first at s0.sh:2:1: nixpkgs is not pinned: the Pod uses whatever nixpkgs its image bundles, which changes with the image");
    assert.equal(lines[1], '  hint: run nixpod check to list every warning (--quiet leaves them out)');
    assert.equal(r.stderr.match(/unpinned-nixpkgs/g)?.length, 1);
    // check lists every one.
    const c = await runCli(['check', '.'], folder(5));
    assert.equal(c.stdout.match(/\[unpinned-nixpkgs\]/g)?.length, 5);
  });

  it('up to three warnings of a rule are printed in full, as check prints them', async () => {
    const dir = folder(3);
    const r = await runCli(['render', '.'], dir);
    const c = await runCli(['check', '.'], dir);
    assert.equal(r.stderr, c.stdout);
    assert.doesNotMatch(r.stderr, /nixpod check/);
  });

  it('errors are printed in full beside a summary of warnings; --quiet leaves only the errors', async () => {
    const dir = folder(6, { 'bad1.sh': BROKEN, 'bad2.sh': BROKEN, 'bad3.sh': BROKEN, 'bad4.sh': BROKEN });
    const r = await runCli(['render', '.'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.match(/^bad\d\.sh:2:\d+: error: /gm)?.length, 4, r.stderr);
    assert.match(r.stderr, /^warning: 6 × \[unpinned-nixpkgs\] in 6 files /m);
    const q = await runCli(['render', '--quiet', '.'], dir);
    assert.equal(q.code, 1);
    assert.equal(q.stderr.match(/^bad\d\.sh:2:\d+: error: /gm)?.length, 4);
    assert.doesNotMatch(q.stderr, /warning:|unpinned/);
    assert.match(q.stderr, /4 errors, 6 warnings in 10 scripts/);
  });

  it('--quiet on a clean render: no warning on stderr, the same stdout', async () => {
    const dir = folder(4);
    const [loud, quiet] = [await runCli(['render', '.'], dir), await runCli(['render', '-q', '.'], dir)];
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, '');
    assert.equal(quiet.stdout, loud.stdout);
  });

  it('check --quiet: errors only, in text and github formats; json keeps every finding', async () => {
    const dir = folder(2, { 'bad.sh': BROKEN });
    const text = await runCli(['check', '--quiet', '.'], dir);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^bad\.sh:2:\d+: error: /);
    assert.doesNotMatch(text.stdout, /warning/);
    const gh = await runCli(['check', '-q', '--format', 'github', '.'], dir);
    assert.match(gh.stdout, /^::error /);
    assert.doesNotMatch(gh.stdout, /::warning/);
    const json = await runCli(['check', '-q', '--format', 'json', '.'], dir);
    assert.match(json.stdout, /unpinned-nixpkgs/);
  });

  for (const cmd of [['apply'], ['diff'], ['run']]) {
    it(`${cmd[0]} --quiet: the errors that stop it before any request, no warnings`, async () => {
      const dir = folder(5, { 'bad.sh': BROKEN });
      const args = cmd[0] === 'run' ? ['bad.sh'] : ['.'];
      const loud = await runCli([...cmd, ...args], dir, { KUBECONFIG: '/nonexistent' });
      const quiet = await runCli([...cmd, '--quiet', ...args], dir, { KUBECONFIG: '/nonexistent' });
      // diff's 1 says "differences found": scripts with errors are bad input there (2), as in kubectl diff.
      assert.equal(quiet.code, cmd[0] === 'diff' ? 2 : 1, quiet.stderr);
      assert.match(quiet.stderr, /^bad\.sh:2:\d+: error: /m);
      assert.match(quiet.stderr, /nothing sent to the cluster/);
      assert.doesNotMatch(quiet.stderr, /warning:/);
      if (cmd[0] !== 'run') assert.match(loud.stderr, /^warning: 5 × \[unpinned-nixpkgs\]/m);
    });
  }

  it('the summary names files once each, keeps their order, and makes control characters visible', () => {
    const d = (path: string, line: number): Diagnostic => ({ path, line, col: 1, severity: 'warning', rule: 'r', message: 'm' });
    const out = formatRunFindings([d('a', 1), d('a', 2), d('b\n', 1), d('c', 1), d('e', 1)], false);
    assert.equal(out, 'warning: 5 × [r] in 4 files (a, b\\x0a, c and 1 more), first at a:1:1: m\n  hint: run nixpod check to list every warning (--quiet leaves them out)\n');
    assert.equal(formatRunFindings([d('a', 1), d('b', 1), d('c', 1), d('e', 1)], true), '');
  });

  it('a message or hint that names a path with a newline stays on its line (tabs kept)', () => {
    const e: Diagnostic = { path: 'x/a.sh', line: 1, col: 1, severity: 'error', rule: 'duplicate-name', message: "base name 'a-sh' is also produced by y/a\n.sh, z/a\r\t.sh", hint: 'add a line to y/a\n.sh' };
    assert.equal(formatRunFindings([e], false), "x/a.sh:1:1: error: base name 'a-sh' is also produced by y/a\\x0a.sh, z/a\\x0d\t.sh [duplicate-name]\n  hint: add a line to y/a\\x0a.sh\n");
  });

  it('a long message is shortened by its own characters, then made printable: no escape is cut', () => {
    const message = `flag '--a${'\x01'.repeat(600)}END'`;
    const e: Diagnostic = { path: 'a.sh', line: 2, col: 1, severity: 'error', rule: 'r', message };
    const line = formatRunFindings([e], false).split('\n')[0] as string;
    assert.match(line, /^a\.sh:2:1: error: flag '--a(?:\\x01)+…\[\d+ characters\]…(?:\\x01)+END' \[r\]$/);
    assert.ok(line.includes(`…[${message.length - 320} characters]…`), line);
  });
});
