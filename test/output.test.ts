import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { NixpodError } from '../src/core/errors.js';
import { EXIT, EXIT_FOR_ERROR } from '../src/cli/exit-codes.js';
import { reportFailure } from '../src/cli/main.js';
import { BIN, ROOT, script, tempTree } from './helpers/cli.js';

/** Run the built CLI under bash (pipes, ulimit, redirections), returning its own exit code and stderr. */
function sh(cmd: string, cwd: string): { code: number; stderr: string; stdout: string } {
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${cmd}`], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, NIXPOD: `${process.execPath} ${BIN}` } });
  return { code: r.status ?? -1, stderr: r.stderr, stdout: r.stdout };
}

const canChattr = spawnSync('bash', ['-c', 'd=$(mktemp -d) && touch $d/f && chattr +i $d/f && chattr -i $d/f'], { encoding: 'utf8' }).status === 0;

describe('output: closed pipes, full disks, file size limits', () => {
  let dir: string;
  before(() => {
    // Enough output (about 600 KB) that a reader which stops early closes the pipe while nixpod still writes.
    dir = tempTree(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`s/job-${i}.sh`, script('#! nix-shell -i bash -p jq', 'echo hi\n'.repeat(200))])));
  });

  it('stdout closed early (| head -1): output stops, no stack trace, exit 141 as SIGPIPE gives', () => {
    for (const cmd of ['render s', 'render --format json s', 'check --format json s']) {
      const r = sh(`$NIXPOD ${cmd} 2>err | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"; cat err`, dir);
      const [code, ...err] = r.stdout.split('\n');
      assert.equal(code, String(EXIT.closedStdout), `${cmd}: ${r.stdout}`);
      assert.doesNotMatch(err.join('\n'), /EPIPE|Error|at /, cmd);
    }
  });

  it('a full disk (/dev/full) is an error naming stdout, exit 2', () => {
    const r = sh('$NIXPOD render s > /dev/full', dir);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.stderr, /^nixpod: error: cannot write to stdout: ENOSPC/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('--version and -V (answered before the program loads) report a full disk as any command does, exit 2', () => {
    for (const flag of ['--version', '-V']) {
      const r = sh(`$NIXPOD ${flag} > /dev/full`, dir);
      assert.equal(r.code, EXIT.usage, flag);
      assert.match(r.stderr, /^nixpod: error: cannot write to stdout: ENOSPC[^]*hint: the output is incomplete/m, flag);
      assert.doesNotMatch(r.stderr, /\n\s+at /, flag);
    }
    assert.equal(sh('$NIXPOD --version > v.txt', dir).code, EXIT.ok);
    assert.equal(readFileSync(join(dir, 'v.txt'), 'utf8'), `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it('a file size limit is an error, never a stream cut short with exit 0', () => {
    const r = sh('ulimit -f 64; $NIXPOD render s > out.yaml', dir);
    assert.equal(r.code, EXIT.usage, r.stderr);
    assert.match(r.stderr, /cannot write to stdout: EFBIG/);
  });

  it('-o DIR under a file size limit: an error naming the file, DIR as it was, no temp files', () => {
    const out = join(dir, 'out-limit');
    assert.equal(sh('$NIXPOD render -o out-limit s', dir).code, 0);
    const before = snapshot(out);
    const r = sh('ulimit -f 1; $NIXPOD render -n other -o out-limit s', dir);
    assert.equal(r.code, EXIT.usage, r.stderr);
    assert.match(r.stderr, /cannot write \S+out-limit\/job-\S+\.yaml: EFBIG/);
    assert.deepEqual(snapshot(out), before);
  });

  it('-o DIR with a file that cannot be replaced: nothing replaced, no temp files', { skip: canChattr ? false : 'chattr +i is not permitted here' }, () => {
    const out = join(dir, 'out-immutable');
    assert.equal(sh('$NIXPOD render -o out-immutable s', dir).code, 0);
    const before = snapshot(out);
    const victim = join(out, readdirSync(out).sort()[150] as string);
    assert.equal(spawnSync('chattr', ['+i', victim]).status, 0);
    try {
      const r = sh('$NIXPOD render -n other -o out-immutable s', dir);
      assert.equal(r.code, EXIT.usage, r.stderr);
      assert.match(r.stderr, /nothing in \S+ was changed/);
      assert.doesNotMatch(r.stderr, /internal error/);
    } finally {
      spawnSync('chattr', ['-i', victim]);
    }
    assert.deepEqual(snapshot(out), before);
  });

  it('-o DIR where a target is a folder: refused before anything is written', () => {
    const out = join(dir, 'out-folder');
    assert.equal(sh('$NIXPOD render -o out-folder s', dir).code, 0);
    const name = readdirSync(out).sort()[7] as string;
    const before = snapshot(out);
    spawnSync('rm', [join(out, name)]);
    mkdirSync(join(out, name));
    const r = sh('$NIXPOD render -n other -o out-folder s', dir);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.stderr, /it exists and is not a regular file/);
    const after = snapshot(out);
    delete before[name];
    delete after[name];
    assert.deepEqual(after, before);
  });
});

function snapshot(d: string): Record<string, string> {
  return Object.fromEntries(readdirSync(d, { withFileTypes: true }).map((f) => [f.name, f.isFile() ? readFileSync(join(d, f.name), 'utf8') : 'folder']));
}

describe('exit codes: one closed table', () => {
  it('every error kind has its code; a bug has its own (4), with a trace and a request to report it', () => {
    assert.deepEqual(EXIT_FOR_ERROR, { usage: 2, io: 2, template: 2, cluster: 3, internal: 4 });
    let err = '';
    assert.equal(reportFailure(new TypeError('x is undefined'), { stderr: (t) => (err += t) }), EXIT.internal);
    assert.match(err, /internal error \(a bug in nixpod: please report it/);
    assert.match(err, /TypeError: x is undefined\n\s+at /);
    err = '';
    assert.equal(reportFailure(new NixpodError('cluster', 'no route', 'check it'), { stderr: (t) => (err += t) }), EXIT.cluster);
    assert.equal(err, 'nixpod: error: no route\n  hint: check it\n');
  });
  it('the README table lists exactly these codes', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'));
    const codes = [...section.slice(0, section.indexOf('\n## ', 4)).matchAll(/^\| `(\d+)` \|/gm)].map((m) => Number(m[1]));
    assert.deepEqual(codes.sort((a, b) => a - b), [...new Set(Object.values(EXIT))].sort((a, b) => a - b));
  });
});

