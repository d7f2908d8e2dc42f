import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempTree } from './helpers/cli.js';

const PIN = 'https://github.com/NixOS/nixpkgs/archive/0123456789abcdef0123456789abcdef01234567.tar.gz';
const QUOTED = "#! /usr/bin/env nix-shell\n#! nix-shell -i python3 -p 'python3.withPackages (ps: [ ps.requests ])' jq jq\nprint(1)\n";
const CRLF = `#! /usr/bin/env nix-shell\r\n#! nix-shell -i bash -p jq -I nixpkgs=${PIN}\r\necho hi\r\n`;
const UNPINNED = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p curl\ncurl -s example.org\n';
const BROKEN = "#! /usr/bin/env nix-shell\r\n#! nix-shell -i bash -p 'jq\r\n";

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

describe('nixpod check --fix', () => {
  it('fixes, says each fix as path:line:col, keeps the mode, then checks again', async () => {
    const dir = tempTree({ 'q.py': QUOTED, 'c.sh': CRLF, 'u.sh': UNPINNED });
    chmodSync(join(dir, 'q.py'), 0o751);
    const r = await runCli(['check', '--fix', '.'], dir, {});
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes(': fixed: ')).join('\n'), [
      'c.sh:1:26: fixed: converted 3 CRLF line endings to LF [crlf]',
      `q.py:2:28: fixed: 'python3.withPackages (ps: [ ps.requests ])' -> "python3.withPackages (ps: [ ps.requests ])" [single-quotes]`,
      'q.py:2:76: fixed: removed the repeated package jq [duplicate-package]',
    ].join('\n'));
    assert.match(r.stdout, /^u\.sh:2:1: warning: nixpkgs is not pinned/m, 'no pin given: the warning stays');
    assert.match(r.stderr, /fixed 3 problems in 2 files/);
    assert.equal(read(dir, 'q.py'), '#! /usr/bin/env nix-shell\n#! nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])" jq\nprint(1)\n');
    assert.equal(read(dir, 'c.sh'), CRLF.replaceAll('\r\n', '\n'));
    assert.equal(statSync(join(dir, 'q.py')).mode & 0o777, 0o751);
    assert.deepEqual(readdirSync(dir).sort(), ['c.sh', 'q.py', 'u.sh'], 'no temp file is left');
    const again = await runCli(['check', '--fix', '.'], dir, {});
    assert.equal(again.code, 0);
    assert.doesNotMatch(again.stdout + again.stderr, /fixed/, 'a second run has nothing to fix');
  });

  it('a signal stops before the next file: the ones left are as they were, and it says so', async () => {
    const dir = tempTree({ 'q.py': QUOTED, 'c.sh': CRLF });
    const stop = new AbortController();
    stop.abort('SIGINT');
    const r = await runCli(['check', '--fix', '.'], dir, {}, stop.signal);
    assert.equal(r.code, 130, r.stdout + r.stderr);
    assert.match(r.stderr, /interrupted: fixed 0 problems in 0 files; 2 more files were left as they were/);
    assert.equal(read(dir, 'q.py'), QUOTED);
    assert.equal(read(dir, 'c.sh'), CRLF);
  });

  it('a file name with a newline stays on its line in the fix lines', async () => {
    const dir = tempTree({ 'fix\nme.py': QUOTED });
    const r = await runCli(['check', '--fix', '.'], dir, {});
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^fix\\x0ame\.py:2:76: fixed: removed the repeated package jq \[duplicate-package\]$/m);
    assert.ok(r.stdout.split('\n').every((l) => !l.startsWith('me.py')), r.stdout);
  });

  it('--nixpkgs-pin URL pins unpinned -p scripts; config takes each script\'s nixpkgs setting', async () => {
    const dir = tempTree({ 'u.sh': UNPINNED, 'sub/v.sh': UNPINNED, 'sub/nixpod.yaml': `defaults:\n  nixpkgs: ${PIN.replace('0123', 'abcd')}\n` });
    const fromConfig = await runCli(['check', '--fix', '--nixpkgs-pin', 'config', '.'], dir, {});
    assert.equal(fromConfig.code, 0, fromConfig.stderr);
    assert.equal(read(dir, 'u.sh'), UNPINNED, 'u.sh has no nixpkgs setting');
    assert.equal(read(dir, 'sub/v.sh').split('\n')[1], `#! nix-shell -I nixpkgs=${PIN.replace('0123', 'abcd')} -i bash -p curl`);
    const r = await runCli(['check', '--fix', '--nixpkgs-pin', PIN, 'u.sh'], dir, {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^u\\.sh:2:14: fixed: added -I nixpkgs=${PIN.replace(/[.]/g, '\\.')} \\[unpinned-nixpkgs\\]$`, 'm'));
    assert.doesNotMatch(r.stdout, /warning/);
  });

  it('--dry-run prints a unified diff and writes nothing; exit 1 while there is something to fix', async () => {
    const dir = tempTree({ 'q.py': QUOTED });
    const r = await runCli(['check', '--fix', '--dry-run', 'q.py'], dir, {});
    assert.equal(r.code, 1);
    assert.equal(r.stdout, [
      '--- a/q.py', '+++ b/q.py', '@@ -1,3 +1,3 @@', ' #! /usr/bin/env nix-shell',
      "-#! nix-shell -i python3 -p 'python3.withPackages (ps: [ ps.requests ])' jq jq",
      '+#! nix-shell -i python3 -p "python3.withPackages (ps: [ ps.requests ])" jq', ' print(1)', '',
    ].join('\n'));
    assert.match(r.stderr, /^q\.py:2:76: would fix: removed the repeated package jq \[duplicate-package\]$/m);
    assert.match(r.stderr, /would fix 2 problems in 1 file \(--dry-run: nothing was written\)/);
    assert.equal(read(dir, 'q.py'), QUOTED);
    const json = await runCli(['check', '--fix', '--format', 'json', 'q.py'], dir, {});
    assert.equal(json.code, 0);
    const doc = JSON.parse(json.stdout) as { scripts: { diagnostics: { rule: string }[] }[] };
    assert.deepEqual(doc.scripts[0]?.diagnostics.map((d) => d.rule), ['unpinned-nixpkgs'], 'stdout stays one JSON document, of what is left');
    assert.match(json.stderr, /q\.py:2:28: fixed: /);
    const clean = await runCli(['check', '--fix', '--dry-run', 'q.py'], dir, {});
    assert.deepEqual([clean.code, clean.stdout, clean.stderr.split('\n')[0]], [0, '', 'nothing to fix']);
  });

  it('--dry-run patches apply with the real patch -p1 and git apply: a path with a space, no final newline', async () => {
    const files = { 'my dir/q 1.py': QUOTED.replace(/\n$/, ''), 'c.sh': CRLF.replace(/\r\n$/, '') };
    const dir = tempTree(files);
    const patch = await runCli(['check', '--fix', '--dry-run', '.'], dir, {});
    assert.equal(patch.code, 1, patch.stderr);
    assert.match(patch.stdout, /^--- a\/my dir\/q 1\.py\t\n\+\+\+ b\/my dir\/q 1\.py\t$/m);
    assert.match(patch.stdout, /^\\ No newline at end of file$/m);
    const fixed = tempTree(files);
    assert.equal((await runCli(['check', '--fix', '.'], fixed, {})).code, 0);
    for (const argv of [['patch', '-p1', '--batch', '--silent'], ['git', 'apply', '-p1', '-']]) {
      const copy = tempTree(files);
      const r = spawnSync(argv[0] as string, argv.slice(1), { cwd: copy, input: patch.stdout, encoding: 'utf8' });
      assert.equal(r.status, 0, `${argv[0]}: ${r.stdout}${r.stderr}`);
      for (const f of Object.keys(files)) assert.equal(read(copy, f), read(fixed, f), `${argv[0]}: ${f}`);
    }
  });

  it('leaves alone a file nix-shell stops on, and says why', async () => {
    const dir = tempTree({ 'b.sh': BROKEN });
    const r = await runCli(['check', '--fix', 'b.sh'], dir, {});
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^b\.sh: not fixed: nix-shell stops at line 2: unterminated single quote/m);
    assert.equal(read(dir, 'b.sh'), BROKEN);
  });

  it('follows a symlink and replaces its target; refuses flags without --fix', async () => {
    const dir = tempTree({ 'real/q.py': QUOTED });
    symlinkSync('real/q.py', join(dir, 'link.py'));
    const r = await runCli(['check', '--fix', 'link.py'], dir, {});
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(join(dir, 'link.py')).isSymbolicLink());
    assert.equal(readlinkSync(join(dir, 'link.py')), 'real/q.py');
    assert.doesNotMatch(read(dir, 'real/q.py'), /'/);
    for (const args of [['--dry-run'], ['--nixpkgs-pin', PIN]]) {
      const bad = await runCli(['check', ...args, 'link.py'], dir, {});
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /is used only with --fix/);
    }
    const spaced = await runCli(['check', '--fix', '--nixpkgs-pin', 'a b', 'link.py'], dir, {});
    assert.equal(spaced.code, 2);
    assert.match(spaced.stderr, /--nixpkgs-pin 'a b' is not an http\(s\) URL, channel:NAME or config/);
  });

  it('--nixpkgs-pin takes an http(s) URL, channel:NAME or config, and nothing that would be a new finding', async () => {
    for (const pin of ['notaurl', './rel', '/abs', 'file:///nix/nixpkgs', 'ftp://example.org/n.tar.gz', 'https://', 'channel:', '']) {
      const dir = tempTree({ 'u.sh': UNPINNED });
      const r = await runCli(['check', '--fix', '--nixpkgs-pin', pin, 'u.sh'], dir, {});
      assert.equal(r.code, 2, `${pin}: ${r.stderr}`);
      assert.equal(r.stderr.split('\n')[0], `nixpod: error: --nixpkgs-pin '${pin}' is not an http(s) URL, channel:NAME or config`);
      assert.equal(read(dir, 'u.sh'), UNPINNED, pin);
    }
    for (const pin of ['channel:nixos-24.11', 'http://example.org/nixpkgs.tar.gz']) {
      const dir = tempTree({ 'u.sh': UNPINNED });
      const r = await runCli(['check', '--fix', '--nixpkgs-pin', pin, 'u.sh'], dir, {});
      assert.equal(r.code, 0, `${pin}: ${r.stdout}${r.stderr}`);
      assert.match(read(dir, 'u.sh'), new RegExp(`-I nixpkgs=${pin.replace(/[.]/g, '\\.')} `));
    }
  });

  it('--dry-run with --format json, sarif or github is a usage error: stdout would hold a diff', async () => {
    const dir = tempTree({ 'q.py': QUOTED });
    for (const format of ['json', 'sarif', 'github']) {
      const r = await runCli(['check', '--fix', '--dry-run', '--format', format, 'q.py'], dir, {});
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^nixpod: error: --dry-run prints a diff, not --format ${format}: give one of them\n {2}hint: `));
    }
    assert.equal((await runCli(['check', '--fix', '--dry-run', '--format', 'text', 'q.py'], dir, {})).code, 1);
  });

  it('leaves a read-only file and a file with hard links alone, and says why', async () => {
    const dir = tempTree({ 'ro.py': QUOTED, 'hl.py': QUOTED, 'ok.py': QUOTED });
    chmodSync(join(dir, 'ro.py'), 0o444);
    linkSync(join(dir, 'hl.py'), join(dir, 'other-name.txt'));
    const inode = statSync(join(dir, 'hl.py')).ino;
    for (const dry of [['--dry-run'], []]) {
      const r = await runCli(['check', '--fix', ...dry, '.'], dir, {});
      // What is left is warnings: the exit code is check's (1 with --dry-run while ok.py would change).
      assert.equal(r.code, dry.length, r.stderr);
      assert.match(r.stderr, /^ro\.py: not fixed: it is read-only \(mode 0444\): make it writable first \(chmod u\+w\), then run again$/m);
      assert.match(r.stderr, /^hl\.py: not fixed: it has 2 hard links: the others would keep the old text; /m);
      assert.doesNotMatch(r.stdout, /[ab]\/(ro|hl)\.py/, 'no diff for files left alone');
    }
    assert.equal(read(dir, 'ro.py'), QUOTED);
    assert.equal(statSync(join(dir, 'ro.py')).mode & 0o777, 0o444);
    assert.equal(read(dir, 'hl.py'), QUOTED);
    assert.equal(statSync(join(dir, 'hl.py')).ino, inode, 'the link is not split');
    assert.equal(statSync(join(dir, 'hl.py')).nlink, 2);
    assert.doesNotMatch(read(dir, 'ok.py'), /'/, 'the others are fixed');
  });

  it('replaces nothing when the file changed after it was read', async () => {
    const dir = tempTree({ 'q.py': QUOTED });
    const { replaceFile } = await import('../src/io/replace.js');
    await assert.rejects(replaceFile(join(dir, 'q.py'), new TextEncoder().encode('older'), 'new'), /q\.py changed while nixpod was fixing it/);
    assert.equal(read(dir, 'q.py'), QUOTED);
    assert.deepEqual(readdirSync(dir), ['q.py']);
    await replaceFile(join(dir, 'q.py'), new TextEncoder().encode(QUOTED), 'new');
    assert.equal(read(dir, 'q.py'), 'new');
  });
});
