import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ORACLE_CHROOT, oracleSkip } from './helpers/oracle.js';
import { ROOT, runCli, tempTree } from './helpers/cli.js';
import { SHARED } from './helpers/shared.js';

const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;
const nixSkip = hasNix || process.env.NIXPOD_REQUIRE_NIX ? false : 'nix-instantiate is not installed (.ci/run installs nix-bin)';
const FIXTURE = join(ROOT, 'test/fixtures/nixpkgs-docker');
const GOLDEN = join(ROOT, 'test/fixtures/image-golden');

// Names with every character a Nix string treats specially: the script's, and the folder it pins nixpkgs to.
const NAME = 'we "ird" ${x} \\d $e.sh';
const VENDOR = 'vendor "n" ${y} \\z';
const SCRIPT = [
  '#! /usr/bin/env nix-shell',
  `#! nix-shell -i bash --pure --keep "A'B" -p jq "import ./pkg.nix hello"`,
  `#! nix-shell --argstr motto 'va"l \${x} \\ $y' --arg config '{ allowUnfree = true; }'`,
  `#! nix-shell -I 'nixpkgs=./${VENDOR}'`,
  'echo "$IN_NIX_SHELL"',
  '',
].join('\n');

type Nix = (args: string[]) => { status: number | null; stdout: string; stderr: string; root: string };
const debian: Nix = (args) => ({ ...spawnSync('nix-instantiate', args, { encoding: 'utf8' }), root: '' });
const nix226: Nix = (args) => ({
  ...spawnSync('sh', [join(SHARED ?? '', 'nix-oracle/in-chroot.sh'), ORACLE_CHROOT ?? '', 'nix-instantiate', ...args], { encoding: 'utf8', env: { ...process.env, NIX_CONFIG: 'build-users-group =\nsubstituters =' } }),
  root: ORACLE_CHROOT ?? '',
});

async function generate(): Promise<{ dir: string; out: string; stdout: string; base: string }> {
  const fixture = readFileSync(join(FIXTURE, 'default.nix'));
  const dir = tempTree({ [NAME]: SCRIPT, 'pkg.nix': 'x: x\n', [`${VENDOR}/default.nix`]: fixture, '.git/HEAD': '' });
  const r = await runCli(['image', NAME, '-o', 'out', '--registry', 'ghcr.io/acme/scripts'], dir);
  assert.equal(r.code, 0, r.stderr);
  const out = join(dir, 'out');
  const base = (readdirSync(out).find((f) => f.endsWith('.nix')) ?? '').slice(0, -'.nix'.length);
  return { dir, out, stdout: r.stdout, base };
}

function evalImage(nix: Nix, out: string, base: string): { config: { Entrypoint: string[]; WorkingDir: string; Labels: Record<string, string> }; name: string; tag: string; contents: string[]; importArgs: Record<string, unknown> } {
  // No arguments: nixpkgs is the folder the script pins (-I nixpkgs=./…), shipped beside it, which holds the fixture.
  const expr = `let r = import ${out}/${base}.nix { }; in { inherit (r) importArgs; inherit (r.recorded) name tag config; contents = map (d: d.name) r.recorded.contents; }`;
  const r = nix(['--eval', '--strict', '--json', '--read-write-mode', '-E', expr]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReturnType<typeof evalImage>;
}

function checkEvaluated(nix: Nix, out: string, base: string): void {
  const got = evalImage(nix, out, base);
  assert.equal(got.name, 'ghcr.io/acme/scripts');
  assert.match(got.tag, /^[0-9a-f]{10}$/);
  // --argstr is a string exactly as written; --arg is Nix code.
  assert.deepEqual(got.importArgs, { motto: 'va"l ${x} \\ $y', config: { allowUnfree: true } });
  // bashInteractive first, then the words as nix-shell evaluates them (pkg.nix read from the script's folder).
  assert.deepEqual(got.contents, ['bash-interactive-5.2p37', 'jq-1.7.1', 'hello-2.12.1']);
  const [bash, c, program, zero, scriptPath] = got.config.Entrypoint;
  assert.deepEqual([bash, c, zero], ['/bin/bash', '-c', 'nixpod']);
  assert.match(program ?? '', /'A'\\''B'\) ;;/);
  assert.match(program ?? '', /\nexport PATH=\/bin IN_NIX_SHELL=pure\nexec bash "\$@"$/);
  const src = new RegExp(`^(/nix/store/[0-9a-z]{32}-${base})/`).exec(scriptPath ?? '')?.[1];
  assert.ok(src, scriptPath);
  assert.equal(scriptPath, `${src}/${NAME}`);
  assert.equal(got.config.WorkingDir, src);
  assert.equal(got.config.Labels['dev.nixpod.source'], NAME);
  // The store copy holds the script and the files it ships, not the generated shell file.
  const inStore = join(nix === debian ? '' : ORACLE_CHROOT ?? '', src);
  assert.deepEqual(readdirSync(inStore).sort(), ['pkg.nix', VENDOR, NAME].sort());
  assert.equal(readFileSync(join(inStore, NAME), 'utf8'), SCRIPT);
}

describe('nixpod image', () => {
  it('writes the expression, the shell file and the script, and prints the image each builds', async () => {
    const { out, stdout, base } = await generate();
    assert.match(base, /^we-ird-x-d-e-sh-[0-9a-f]{6}$/);
    assert.equal(stdout, `out/${base}.nix\tghcr.io/acme/scripts:${/[0-9a-f]{10}\n$/.exec(stdout)?.[0] ?? 'no tag'}`);
    assert.deepEqual(readdirSync(join(out, base)).sort(), ['.nixpod-image', '.nixpod-shell.nix', 'pkg.nix', VENDOR, NAME].sort());
    assert.equal(readFileSync(join(out, base, NAME), 'utf8'), SCRIPT);
  });

  it('matches the golden files (UPDATE_GOLDEN=1 rewrites them)', async () => {
    const { out, base } = await generate();
    for (const [f, g] of [[`${base}.nix`, 'image.nix'], [`${base}/.nixpod-shell.nix`, 'nixpod-shell.nix']] as const) {
      const golden = join(GOLDEN, g);
      const got = readFileSync(join(out, f), 'utf8');
      if (process.env.UPDATE_GOLDEN) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(golden, got);
      }
      assert.equal(got, readFileSync(golden, 'utf8'), f);
    }
  });

  it('refuses what it cannot build, with positions, and writes nothing', async () => {
    const dir = tempTree({ 'e.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -E "with import <nixpkgs> {}; hello"\n', 'f.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I nixpkgs=flake:nixpkgs\n' });
    const r = await runCli(['image', 'e.sh', 'f.sh', '-o', 'out'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^e\.sh:2:22: error: -E: nixpod image builds images from -p packages, not from a shell expression \[image-unsupported\]$/m);
    assert.match(r.stderr, /^f\.sh:2:28: error: nixpkgs 'flake:nixpkgs': nixpod image can build from a URL, channel:NAME or a path, not from this \[image-unsupported\]$/m);
    assert.equal(existsSync(join(dir, 'out')), false);
  });

  it('warns when nixpkgs is not pinned: the image would get the builder\'s <nixpkgs>', async () => {
    const dir = tempTree({ 'u.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n' });
    const r = await runCli(['image', 'u.sh', '-o', 'out', '--registry', 'reg.example/s'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /u\.sh:2:1: warning: nixpkgs is not pinned: the image gets whatever <nixpkgs> the machine that builds it has \[image-unpinned\]/);
    assert.match(readFileSync(join(dir, 'out/u-sh.nix'), 'utf8'), /^\{ nixpkgs \? <nixpkgs> \}:$/m);
    assert.match(r.stdout, /^out\/u-sh\.nix\treg\.example\/s:[0-9a-f]{10}\n$/);
  });
});

for (const [label, nix, skip] of [
  ['Debian Nix 2.8', debian, nixSkip],
  ['Nix 2.26', nix226, oracleSkip],
] as const) {
  describe(`the generated expressions under ${label}`, { skip }, () => {
    it('parse (nix-instantiate --parse)', async () => {
      const { out, base } = await generate();
      for (const f of [join(out, `${base}.nix`), join(out, base, '.nixpod-shell.nix')]) {
        const r = nix(['--parse', f]);
        assert.equal(r.status, 0, `${f}: ${r.stderr}`);
      }
    });

    it('evaluate against a nixpkgs whose streamLayeredImage records its arguments: every name and value exact', async () => {
      const { out, base } = await generate();
      checkEvaluated(nix, out, base);
    });
  });
}
