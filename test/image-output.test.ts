import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempTree } from './helpers/cli.js';

const PIN = '#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/0123456789abcdef0123456789abcdef01234567.tar.gz';
const script = (...lines: string[]): string => ['#! /usr/bin/env nix-shell', '#! nix-shell -i bash -p jq', PIN, ...lines, 'echo hi', ''].join('\n');
const REG = ['--registry', 'reg.example/s'];

describe('nixpod image: one base per script, as render names it', () => {
  it('names the .nix file and the folder after the same base, namePrefix and name included', async () => {
    // Two a.sh in two folders, told apart by namePrefix (what duplicate-name's hint says to do): they once both wrote a-sh.nix.
    const dir = tempTree({ 'p/a.sh': script('#! nixpod name-prefix=p-'), 'q/a.sh': script('#! nixpod name-prefix=q-'), 'n.sh': script('#! nixpod name=custom') });
    const r = await runCli(['image', 'p/a.sh', 'q/a.sh', 'n.sh', '-o', 'out', ...REG], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = join(dir, 'out');
    assert.deepEqual(readdirSync(out).sort(), ['custom', 'custom.nix', 'p-a-sh', 'p-a-sh.nix', 'q-a-sh', 'q-a-sh.nix']);
    for (const base of ['p-a-sh', 'q-a-sh', 'custom']) {
      const expr = readFileSync(join(out, `${base}.nix`), 'utf8');
      assert.match(expr, new RegExp(`path = \\./${base};`), base);
      assert.match(r.stdout, new RegExp(`^out/${base}\\.nix\\treg\\.example/s:[0-9a-f]{10}$`, 'm'));
    }
  });

  it('refuses two scripts with one base (duplicate-name) and writes nothing', async () => {
    const dir = tempTree({ 'x.sh': script('#! nixpod name=same'), 'y.sh': script('#! nixpod name=same') });
    const r = await runCli(['image', 'x.sh', 'y.sh', '-o', 'out', ...REG], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^x\.sh:1:1: error: base name 'same' .* is also produced by y\.sh \[duplicate-name\]$/m);
    assert.equal(existsSync(join(dir, 'out')), false);
  });
});

describe('nixpod image -o DIR replaces only what it wrote', () => {
  it('replaces its own entries on a second run', async () => {
    const dir = tempTree({ 'bin/deploy': script() });
    assert.equal((await runCli(['image', 'bin/deploy', '-o', '.', ...REG], dir)).code, 0);
    writeFileSync(join(dir, 'deploy.nix'), readFileSync(join(dir, 'deploy.nix'), 'utf8') + '# edited\n');
    const r = await runCli(['image', 'bin/deploy', '-o', '.', ...REG], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(readFileSync(join(dir, 'deploy.nix'), 'utf8'), /# edited/);
    assert.ok(existsSync(join(dir, 'deploy/.nixpod-image')));
  });

  it('refuses to replace the script itself (a script deploy imaged into its own folder)', async () => {
    const dir = tempTree({ 'deploy': script() });
    const r = await runCli(['image', 'deploy', '-o', '.', ...REG], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(readFileSync(join(dir, 'deploy'), 'utf8'), script());
  });

  it('refuses a folder of the user\'s own at DIR/<base> (exit 2), and changes nothing', async () => {
    // The script `deploy` imaged into `.`, beside a deploy/ folder of manifests: that folder was once deleted.
    const dir = tempTree({ 'bin/deploy': script(), 'deploy/app.yaml': 'kind: Deployment\n' });
    const r = await runCli(['image', 'bin/deploy', '-o', '.', ...REG], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${join(dir, 'deploy')} exists and was not written by nixpod image`));
    assert.match(r.stderr, /hint: move or rename .*deploy, or give -o another folder/);
    assert.equal(readFileSync(join(dir, 'deploy/app.yaml'), 'utf8'), 'kind: Deployment\n');
    assert.deepEqual(readdirSync(dir).sort(), ['bin', 'deploy']);
  });

  it('refuses a .nix file, a symlink, or a folder named like its own but without its marker', async () => {
    for (const [name, make] of [
      ['deploy.nix', (d: string) => writeFileSync(join(d, 'deploy.nix'), '{ pkgs }: pkgs.hello\n')],
      ['deploy', (d: string) => symlinkSync('/etc', join(d, 'deploy'))],
      ['deploy', (d: string) => mkdirSync(join(d, 'deploy'))],
    ] as const) {
      const dir = tempTree({ 'bin/deploy': script() });
      make(dir);
      const r = await runCli(['image', 'bin/deploy', '-o', '.', ...REG], dir);
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${join(dir, name)} exists and was not written by nixpod image`));
      assert.equal(existsSync(join(dir, name === 'deploy' ? 'deploy.nix' : 'deploy/.nixpod-image')), false, name);
    }
  });
});

describe('nixpod image agrees with render', () => {
  it('needs a repository (missing-registry), as runtime image does in render', async () => {
    const dir = tempTree({ 'u.sh': script() });
    const r = await runCli(['image', 'u.sh', '-o', 'out'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^u\.sh:1:1: error: nixpod image needs the repository the images are pushed to, and none is set \[missing-registry\]$/m);
    assert.match(r.stderr, /hint: pass --registry REPO/);
    assert.equal(existsSync(join(dir, 'out')), false);
    // The registry setting is enough.
    writeFileSync(join(dir, 'nixpod.yaml'), 'defaults:\n  registry: reg.example/t\n');
    const ok = await runCli(['image', 'u.sh', '-o', 'out'], dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /\treg\.example\/t:[0-9a-f]{10}\n$/);
  });

  it('says a #! nix script needs the nix-shell runtime, and nothing else', async () => {
    const dir = tempTree({ 'f.sh': '#!/usr/bin/env nix\n#! nix shell github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567#jq --command bash\necho hi\n' });
    const r = await runCli(['image', 'f.sh', '-o', 'out', ...REG], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^f\.sh:1:1: error: runtime image serves #! nix-shell scripts \(their -p packages\); this is a #! nix script \[runtime-needs-nix-shell\]$/m);
    assert.doesNotMatch(r.stderr, /image-unpinned|image-unsupported|names no -p/);
  });
});
