import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli, tempTree } from './helpers/cli.js';
import { runNixShell } from './helpers/nix-shell-run.js';
import { oracleSkip } from './helpers/oracle.js';

/** Local files a script names are shipped in its ConfigMap, in their relative layout. */
const SHIP = join(ROOT, 'test/fixtures/ship');
const WAYS = ['expr-file', 'expr-dir', 'pkg-path', 'pkg-import', 'arg', 'include'];

interface Rendered {
  data: Record<string, string>;
  items: { key: string; path: string }[] | undefined;
  workingDir: string | undefined;
  command: string[];
  name: string;
}

async function render(path: string, cwd = ROOT): Promise<Rendered> {
  const r = await runCli(['render', '--format', 'json', path], cwd);
  assert.equal(r.code, 0, r.stderr);
  const [cm, pod] = JSON.parse(r.stdout).items;
  const c = pod.spec.containers[0];
  return { data: cm.data, items: pod.spec.volumes[0].configMap.items, workingDir: c.workingDir, command: c.command, name: cm.metadata.name };
}

/** Write the ConfigMap out as the kubelet mounts it (volume items with paths); returns the folder that stands for /nixpod. */
function layOut(r: Rendered): string {
  const root = mkdtempSync(join(tmpdir(), 'nixpod-mount-'));
  for (const it of r.items ?? []) {
    const file = join(root, it.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, r.data[it.key] as string);
  }
  return root;
}

describe('local files shipped with the script', () => {
  it('an expression file in the parent folder and the files it imports go in, with their layout', async () => {
    const r = await render('test/fixtures/ship/scripts/expr-file.sh');
    assert.deepEqual(r.items, [
      { key: 'scripts_expr-file.sh', path: 'scripts/expr-file.sh' },
      { key: 'lib_tool.nix', path: 'lib/tool.nix' },
      { key: 'shell.nix', path: 'shell.nix' },
    ]);
    assert.equal(r.data['shell.nix'], readFileSync(join(SHIP, 'shell.nix'), 'utf8'));
    assert.equal(r.workingDir, '/nixpod/scripts');
    assert.deepEqual(r.command, ['nix-shell', '/nixpod/scripts/expr-file.sh']);
  });
  it('every way of naming a file ships what nix-shell will read', async () => {
    // The mount holds the script's folder, or the highest folder a file is in.
    const expected: Record<string, string[]> = {
      'expr-dir': ['env/shell.nix', 'scripts/expr-dir.sh'],
      'pkg-path': ['pkg-path.sh', 'pkg.nix'],
      'pkg-import': ['overlays/pkg.nix', 'scripts/pkg-import.sh'],
      arg: ['arg.sh', 'config.nix'],
      include: ['scripts/include.sh', 'tools/pkg.nix'],
    };
    for (const [way, files] of Object.entries(expected)) {
      const r = await render(`test/fixtures/ship/scripts/${way}.sh`);
      assert.deepEqual(r.items?.map((i) => i.path).sort(), files, way);
      assert.equal(r.workingDir, files.some((f) => f.startsWith('scripts/')) ? '/nixpod/scripts' : '/nixpod', way);
    }
  });
  it('scripts without local files render as before: no items, no workingDir', async () => {
    const r = await render('scripts/tls-expiry.sh');
    assert.equal(r.items, undefined);
    assert.equal(r.workingDir, undefined);
  });
  it('the name hash covers the shipped files', async () => {
    const dir = tempTree({ 'a.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "import ./p.nix"\necho\n', 'p.nix': '1\n' });
    const before = await render('a.sh', dir);
    writeFileSync(join(dir, 'p.nix'), '2\n');
    assert.notEqual((await render('a.sh', dir)).name, before.name);
  });
  it('a missing file, a folder without shell.nix or default.nix, a missing import and a total over 1 MiB are errors naming them; nothing is written', async () => {
    const dir = tempTree({
      'missing.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "import ./nope.nix"\necho\n',
      'folder.sh': '#! /usr/bin/env nix-shell\n#! nix-shell ./empty -i bash\necho\n',
      'empty/README': 'x\n',
      'imports.sh': '#! /usr/bin/env nix-shell\n#! nix-shell ./shell.nix -i bash\necho\n',
      'shell.nix': 'import ./gone.nix\n',
      'big.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "import ./big.nix"\necho\n',
      'big.nix': `"${'x'.repeat(1024 * 1024)}"\n`,
    });
    const r = await runCli(['render', '-o', 'out', '.'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing\.sh:2:\d+: error: '\.\/nope\.nix' cannot be shipped with the script: \.\/nope\.nix does not exist .*\[missing-file\]/);
    assert.match(r.stderr, /folder\.sh:2:14: error: expression file '\.\/empty' cannot be shipped with the script: the folder \.\/empty has no shell\.nix or default\.nix \[missing-file\]/);
    assert.match(r.stderr, /imports\.sh:2:14: error: cannot ship what the script needs: shell\.nix imports \.\/gone\.nix, which does not exist \[missing-file\]/);
    assert.match(r.stderr, /big\.sh:1:1: error: the script and the 1 file it names are \d+ bytes; a ConfigMap holds at most 1048576 bytes/);
    assert.ok(!readdirSync(dir).includes('out'));
  });
});

describe('shipped files work with the real nix-shell 2.26', { skip: oracleSkip }, () => {
  for (const way of WAYS) {
    it(`${way}: the Pod's layout gives what the author's layout gives`, async () => {
      const r = await render(`test/fixtures/ship/scripts/${way}.sh`);
      const tokens = Object.values(r.data).join('\n');
      const mount = layOut(r);
      const podDir = join(mount, (r.workingDir ?? '/nixpod').slice('/nixpod'.length));
      const inPod = runNixShell(join(mount, r.command[1]?.slice('/nixpod/'.length) ?? ''), podDir, tokens);
      // The chroot sees /tmp, not this checkout: the author's layout is copied there as it is.
      const author = mkdtempSync(join(tmpdir(), 'nixpod-author-'));
      cpSync(SHIP, author, { recursive: true });
      const original = runNixShell(join(author, 'scripts', `${way}.sh`), join(author, 'scripts'), tokens);
      assert.ok(original.ok, `the fixture itself must work: ${original.error}`);
      assert.ok(inPod.ok, `in the Pod's layout: ${inPod.error}`);
      // Paths differ only by where the layout sits: compare them relative to the script's folder.
      const norm = (v: unknown) => JSON.stringify(v).replaceAll(`${author}/scripts`, '<dir>').replaceAll(podDir, '<dir>').replaceAll(author, '<dir>/..').replaceAll(mount, '<dir>/..').replace(/\/nix\/store\/[a-z0-9]{32}-/g, '/nix/store/<hash>-');
      assert.equal(inPod.interpreter, 'bash');
      assert.equal(inPod.interpreter, original.interpreter);
      assert.equal(norm(inPod.pkgs), norm(original.pkgs));
      assert.equal(norm(inPod.nixpkgsArgs), norm(original.nixpkgsArgs));
      // What only the shipped files could have given (an import two files deep, a folder's shell.nix, ...).
      const fromFiles: Record<string, string> = { 'expr-file': 'ripgrep', 'expr-dir': 'hello', 'pkg-path': '<dir>/pkg.nix', 'pkg-import': 'curl', arg: '<dir>/config.nix', include: 'git' };
      assert.ok(norm(inPod.pkgs).includes(fromFiles[way] as string) || norm(inPod.nixpkgsArgs).includes(fromFiles[way] as string), `${norm(inPod.pkgs)} ${norm(inPod.nixpkgsArgs)}`);
    });
  }
});
