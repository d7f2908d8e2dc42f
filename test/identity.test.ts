import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, script, tempTree } from './helpers/cli.js';

/** A git repository (the `.git` rule is what makes the identity) with a script that ships `../lib/x.nix`, which imports `./y.nix`. */
function repo(files: Record<string, string> = {}): string {
  const dir = tempTree({
    'scripts/a.sh': script('#! nix-shell -i bash ../lib/x.nix'),
    'lib/x.nix': 'import ./y.nix\n',
    'lib/y.nix': '{ }\n',
    ...files,
  });
  const r = spawnSync('git', ['init', '-q', dir]);
  assert.equal(r.status, 0, String(r.stderr));
  return dir;
}

const render = async (argv: string[], cwd: string) => {
  const r = await runCli(['render', ...argv], cwd);
  assert.equal(r.code, 0, `${argv.join(' ')} in ${cwd}: ${r.stderr}`);
  return r.stdout;
};

describe('same input, same name, everywhere (issue 8 §2)', () => {
  it('render is byte-identical from any working directory and spelling, and in another clone elsewhere', async () => {
    const root = repo();
    const scripts = join(root, 'scripts');
    const want = await render(['scripts/a.sh'], root);
    const spellings: [string[], string][] = [
      [['./scripts/a.sh'], root],
      [[join(scripts, 'a.sh')], tmpdir()],
      [['a.sh'], scripts],
      [['.'], scripts],
      [['scripts'], root],
      [[`../../${basename(root)}/scripts/a.sh`], join(root, 'lib')],
    ];
    for (const [argv, cwd] of spellings) assert.equal(await render(argv, cwd), want, `${argv.join(' ')} from ${cwd}`);
    // Through a symlinked folder, too.
    const link = join(mkdtempSync(join(tmpdir(), 'nixpod-link-')), 'via');
    symlinkSync(root, link);
    assert.equal(await render(['scripts/a.sh'], link), want, 'via a symlink');
    // CI and a laptop: the same repository at another absolute path.
    const clone = join(mkdtempSync(join(tmpdir(), 'nixpod-clone-')), 'somewhere', 'else');
    cpSync(root, clone, { recursive: true });
    assert.equal(await render(['scripts/a.sh'], clone), want, 'another clone');
    assert.match(want, /nixpod\.dev\/source: scripts\/a\.sh$/m);
    assert.match(want, /workingDir: "?\/nixpod\/scripts"?$/m);
    assert.doesNotMatch(want, new RegExp(basename(root)), 'no local folder names');
  });

  it('-n does not change the names: only metadata.namespace differs', async () => {
    const root = repo();
    const plain = await render(['scripts'], root);
    const namespaced = await render(['-n', 'batch', 'scripts'], root);
    assert.equal(namespaced.replace(/^ {2}namespace: batch\n/gm, ''), plain);
  });

  it('without a repository, the folder named is the root: the folder or the file named in it give the same names', async () => {
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    assert.equal(await render(['a.sh'], dir), await render(['.'], dir));
    assert.match(await render(['a.sh'], dir), /nixpod\.dev\/source: a\.sh$/m);
  });
});

describe('a boundary for shipped files (issue 8 §7)', () => {
  const refused = async (root: string, target: string, rule: string, pattern: RegExp) => {
    const r = await runCli(['render', target], root);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${pattern.source}.*\\[${rule}\\]`));
    assert.equal(r.stdout, '', 'nothing rendered');
  };

  it('refuses a -I folder, an expression file or an import outside the repository', async () => {
    const outside = tempTree({ 'secret/x.nix': '{ }\n', 'y.nix': '{ }\n' });
    const root = repo({
      'scripts/inc.sh': script(`#! nix-shell -i bash -p jq -I x=${relative(join(tmpdir(), 'r', 'scripts'), join(outside, 'secret'))}`),
      'scripts/imp.sh': script('#! nix-shell -i bash ./imp.nix'),
      'scripts/imp.nix': `import ${relative(join(tmpdir(), 'r', 'scripts'), join(outside, 'y.nix'))}\n`,
    });
    // The same ../ depth from the repository's scripts folder as from tmpdir()/r/scripts.
    await refused(root, 'scripts/inc.sh', 'outside-root', /-I folder '\.\.\/\.\.\/.*' cannot be shipped with the script: .* resolves to .*, outside /);
    await refused(root, 'scripts/imp.sh', 'outside-root', /imp\.nix imports \.\.\/\.\.\/.*y\.nix: .*outside /);
  });

  it('refuses a symlink that points out of the repository', async () => {
    const outside = tempTree({ 'x.nix': '{ }\n' });
    const root = repo({ 'scripts/s.sh': script('#! nix-shell -i bash ./x.nix') });
    symlinkSync(join(outside, 'x.nix'), join(root, 'scripts', 'x.nix'));
    await refused(root, 'scripts/s.sh', 'outside-root', /'\.\/x\.nix' cannot be shipped with the script: x\.nix resolves to \/.*, outside /);
  });

  it('never ships hidden files: an error when named, skipped inside -I folders', async () => {
    const root = repo({ 'scripts/h.sh': script('#! nix-shell -i bash ./.env.nix'), 'scripts/.env.nix': '{ }\n', 'scripts/f.sh': script('#! nix-shell -i bash -p jq -I c=./conf'), 'scripts/conf/a.nix': '{ }\n', 'scripts/conf/.secret': 'token\n', 'scripts/conf/.git/config': 'x\n' });
    await refused(root, 'scripts/h.sh', 'hidden-file', /\.env\.nix is hidden/);
    const out = await render(['scripts/f.sh'], root);
    assert.match(out, /conf_a\.nix/);
    assert.doesNotMatch(out, /secret|token|\.git/);
  });

  it('without a repository, a file named directly may ship only what is in its own folder', async () => {
    const dir = tempTree({ 'proj/scripts/a.sh': script('#! nix-shell -i bash ../default.nix'), 'proj/default.nix': '{ }\n' });
    writeFileSync(join(dir, 'proj', 'README'), 'x\n');
    await refused(dir, 'proj/scripts/a.sh', 'outside-root', /outside /);
    assert.match(await render(['proj'], dir), /workingDir: "?\/nixpod\/scripts"?$/m, 'naming the folder that holds both works');
  });
});
