import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileProgram } from '../src/io/code-cache.js';
import { BIN, ROOT, tempTree } from './helpers/cli.js';

const PROGRAM = join(ROOT, 'dist/pkg/cli/nixpod-program.cjs');
const CHECK_PROGRAM = join(ROOT, 'dist/pkg/cli/nixpod-check.cjs');
const SCRIPT = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq jq\necho hi\n';

/** The package's files (dist/pkg, package.json, templates) in a folder of their own, to spoil the cache of. */
function packageCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'nixpod-pkg-'));
  cpSync(join(ROOT, 'dist/pkg'), join(root, 'dist/pkg'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  cpSync(join(ROOT, 'templates'), join(root, 'templates'), { recursive: true });
  return root;
}

const render = (bin: string, dir: string) => spawnSync(process.execPath, [bin, 'render', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8' });

describe('the package entry and its code cache', () => {
  it('the caches made at build time fit this Node: V8 takes them', () => {
    for (const program of [PROGRAM, CHECK_PROGRAM]) {
      const { script } = compileProgram(program);
      assert.equal(script.cachedDataRejected, false, `npm run build makes ${program}.cache for this Node`);
    }
  });

  it('check runs a program of its own, without the other commands\' code, and answers as the whole program does', () => {
    const text = readFileSync(CHECK_PROGRAM, 'utf8');
    for (const other of ['runRender', 'runApply', 'runDiff', 'runRun', 'runImage', 'runIndex', 'completionScript', 'handlebars', '@kubernetes/client-node']) assert.ok(!text.includes(other), `${other} is not in the check program`);
    assert.ok(text.includes('runCheck') && text.includes('runFix'), 'check --fix is in it');
    assert.ok(statSync(CHECK_PROGRAM).size < 0.7 * statSync(PROGRAM).size, 'a third smaller than the whole program');
    // The same answers as the development build (dist/src, every command in one program), byte for byte.
    const dir = tempTree({ 'a.sh': SCRIPT, 'b.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "jq\n', 'nixpod.yaml': 'namespace: x\n' });
    const dev = join(ROOT, 'dist/src/cli/bin.js');
    for (const args of [['check', '.'], ['check', '--format', 'json', '.'], ['check', '--format', 'sarif', '.'], ['check', '--fix', '--dry-run', '.'], ['check', '--help'], ['check', '--nope'], ['check', 'missing.sh']]) {
      const [got, want] = [BIN, dev].map((bin) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' })) as [SpawnSyncReturns<string>, SpawnSyncReturns<string>];
      assert.deepEqual([got.status, got.stdout, got.stderr], [want.status, want.stdout, want.stderr], args.join(' '));
    }
    // Which program a run loads: without the whole program check still runs, and render cannot.
    const root = packageCopy();
    try {
      // The check program only makes check faster: missing, emptied, truncated or not a program, the whole program runs check, the same.
      const checkProgram = join(root, 'dist/pkg/cli/nixpod-check.cjs');
      const good = readFileSync(checkProgram);
      const want = spawnSync(process.execPath, [join(root, 'dist/pkg/cli/nixpod.mjs'), 'check', '.'], { cwd: dir, encoding: 'utf8' });
      for (const spoil of [() => writeFileSync(checkProgram, ''), () => writeFileSync(checkProgram, good.subarray(0, good.length >> 1)), () => writeFileSync(checkProgram, 'exports.start = 1;'), () => rmSync(checkProgram)]) {
        spoil();
        const got = spawnSync(process.execPath, [join(root, 'dist/pkg/cli/nixpod.mjs'), 'check', '.'], { cwd: dir, encoding: 'utf8' });
        assert.deepEqual([got.status, got.stdout, got.stderr], [want.status, want.stdout, want.stderr]);
      }
      writeFileSync(checkProgram, good);
      // The whole program truncated or emptied: a broken installation (exit 2), not a bug, nor findings.
      const whole = join(root, 'dist/pkg/cli/nixpod-program.cjs');
      const full = readFileSync(whole);
      for (const [bytes, why] of [[full.subarray(0, full.length >> 1), /it does not compile/], [Buffer.from(''), /it is not a nixpod program/]] as const) {
        writeFileSync(whole, bytes);
        const r = spawnSync(process.execPath, [join(root, 'dist/pkg/cli/nixpod.mjs'), 'render', '.'], { cwd: dir, encoding: 'utf8' });
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, new RegExp(`^nixpod: error: cannot read \\S*nixpod-program\\.cjs: ${why.source}.*\\n {2}hint: nixpod's installation is broken: install it again\\n$`));
      }
      rmSync(join(root, 'dist/pkg/cli/nixpod-program.cjs'));
      const bin = join(root, 'dist/pkg/cli/nixpod.mjs');
      const checked = spawnSync(process.execPath, [bin, 'check', '.'], { cwd: dir, encoding: 'utf8' });
      assert.equal(checked.status, 1, checked.stderr);
      assert.match(checked.stdout, /^b\.sh:2:\d+: error: .*\[unterminated-quote\]/m);
      for (const args of [['render', '.'], ['--help'], ['chek', '.'], ['help', 'check']]) {
        const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
        assert.equal(r.status, 2, args.join(' '));
        assert.match(r.stderr, /cannot read .*nixpod-program\.cjs: ENOENT/);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a spoiled, stale or missing cache changes nothing but the time', () => {
    const dir = tempTree({ 'a.sh': SCRIPT, 'b.sh': SCRIPT.replace('jq jq', 'curl') });
    const expected = render(BIN, dir);
    assert.equal(expected.status, 0, expected.stderr);
    assert.match(expected.stderr, /duplicate-package/);
    assert.match(expected.stdout, /"kind": "ConfigMap"/);
    const root = packageCopy();
    try {
      const cache = join(root, 'dist/pkg/cli/nixpod-program.cjs.cache');
      const bin = join(root, 'dist/pkg/cli/nixpod.mjs');
      const good = readFileSync(cache);
      // V8 trusts its data: one flipped bit could crash the process. The sealed cache is refused whole instead.
      const flipped = (at: number) => () => {
        const b = Buffer.from(good);
        b[at] = (b[at] as number) ^ 0x10;
        writeFileSync(cache, b);
      };
      const spoils = [flipped(5), flipped(40), flipped(100), flipped(Math.floor(good.length / 3)), flipped(good.length - 3), () => writeFileSync(cache, good.subarray(0, good.length - 1))];
      for (const spoil of [...spoils, () => writeFileSync(cache, 'not a code cache'), () => writeFileSync(cache, Buffer.alloc(4096, 7)), () => rmSync(cache)]) {
        spoil();
        const got = render(bin, dir);
        assert.deepEqual({ status: got.status, stdout: got.stdout, stderr: got.stderr }, { status: expected.status, stdout: expected.stdout, stderr: expected.stderr });
      }
      // A cache made for another build of the program is refused, even one of the same length (V8 compares only lengths).
      writeFileSync(cache, good);
      const program = join(root, 'dist/pkg/cli/nixpod-program.cjs');
      const text = readFileSync(program, 'utf8');
      const words = 'Run self-describing nix-shell scripts';
      assert.ok(text.includes(words));
      writeFileSync(program, text.replace(words, words.toUpperCase()));
      const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
      assert.match(help.stdout, new RegExp(words.toUpperCase()));
      assert.equal(render(bin, dir).stdout, expected.stdout);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a cache that is a FIFO is passed over; a program file that is missing or a FIFO is an error, exit 2, no trace, no wait', () => {
    const dir = tempTree({ 'a.sh': SCRIPT });
    const expected = render(BIN, dir);
    const root = packageCopy();
    try {
      const program = join(root, 'dist/pkg/cli/nixpod-program.cjs');
      const bin = join(root, 'dist/pkg/cli/nixpod.mjs');
      const run = () => spawnSync(process.execPath, [bin, 'render', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      rmSync(`${program}.cache`);
      assert.equal(spawnSync('mkfifo', [`${program}.cache`]).status, 0);
      const fifoCache = run();
      assert.deepEqual([fifoCache.status, fifoCache.stdout, fifoCache.stderr], [expected.status, expected.stdout, expected.stderr]);
      rmSync(program);
      const missing = run();
      assert.equal(missing.status, 2);
      assert.equal(missing.stderr, `nixpod: error: cannot read ${program}: ENOENT\n  hint: nixpod's installation is broken: install it again\n`);
      assert.equal(spawnSync('mkfifo', [program]).status, 0);
      const fifo = run();
      assert.equal(fifo.status, 2, 'no wait for a writer');
      assert.match(fifo.stderr, /^nixpod: error: cannot read .*nixpod-program\.cjs: not a regular file\n/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a run writes nothing beside the program (the cache is made at build time only)', () => {
    const dir = tempTree({ 'a.sh': SCRIPT });
    const folder = join(ROOT, 'dist/pkg/cli');
    const before = readdirSync(folder).map((f) => [f, statSync(join(folder, f)).mtimeMs]);
    assert.equal(render(BIN, dir).status, 0);
    assert.deepEqual(readdirSync(folder).map((f) => [f, statSync(join(folder, f)).mtimeMs]), before);
  });
});
