import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { renderKustomization, unlistedIn } from '../src/core/kustomization.js';
import { compareOutput, isNixpodManifest, planOutput } from '../src/core/output-dir.js';
import { EXIT } from '../src/cli/exit-codes.js';
import { BIN, runCli, script, tempTree, type CliResult } from './helpers/cli.js';

const A = script('#! nix-shell -i bash -p jq');
const B = script('#! nix-shell -i python3 -p python3');
/** Someone else's manifest: a Deployment without nixpod's label. */
const FOREIGN = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/managed-by: helm\n';

/**
 * Permissions bind everyone but root, and the tests run as root here (CI too):
 * there, the built CLI runs as nobody in a tree opened to it, so that a
 * read-only folder or an unreadable file is what it is for a user.
 */
async function runAsUser(argv: string[], cwd: string): Promise<CliResult> {
  if (process.getuid?.() !== 0) return runCli(argv, cwd);
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd, encoding: 'utf8', uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Open a temp tree to that user (call before making anything in it unreadable). */
const openTree = (dir: string): void => void spawnSync('chmod', ['-R', 'a+rwX', dir]);

const ls = (dir: string): string[] => readdirSync(dir).sort();
const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');

describe('render -o DIR: a kustomization and no leftovers', () => {
  it('writes a kustomization.yaml listing the manifests, sorted, the same to the byte on every run', async () => {
    const dir = tempTree({ 's/zeta.sh': A, 's/alpha.sh': B, 's/mid.sh': A });
    const r = await runCli(['render', '-o', 'out', 's'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^wrote 3 files and kustomization\.yaml to out\n$/);
    const k = parse(read(dir, 'out/kustomization.yaml')) as { apiVersion: string; kind: string; resources: string[] };
    assert.equal(k.kind, 'Kustomization');
    assert.equal(k.apiVersion, 'kustomize.config.k8s.io/v1beta1');
    assert.deepEqual(k.resources, ['alpha-sh.yaml', 'mid-sh.yaml', 'zeta-sh.yaml']);
    const first = read(dir, 'out/kustomization.yaml');
    await runCli(['render', '-o', 'out', 's'], dir);
    assert.equal(read(dir, 'out/kustomization.yaml'), first);
  });

  it('removes the manifests of scripts that are gone, and only nixpod\'s', async () => {
    const dir = tempTree({ 's/a.sh': A, 's/b.sh': B });
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    writeFileSync(join(dir, 'out/README.md'), 'these are generated\n');
    writeFileSync(join(dir, 'out/web.yaml'), FOREIGN);
    writeFileSync(join(dir, 'out/notes.yaml'), '# mentions app.kubernetes.io/managed-by: nixpod in a comment only\nkey: value\n');
    rmSync(join(dir, 's/b.sh'));
    const r = await runCli(['render', '-o', 'out', 's'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /removed 1 file no script renders any more: b-sh\.yaml/);
    assert.deepEqual(ls(join(dir, 'out')), ['README.md', 'a-sh.yaml', 'kustomization.yaml', 'notes.yaml', 'web.yaml']);
    assert.deepEqual((parse(read(dir, 'out/kustomization.yaml')) as { resources: string[] }).resources, ['a-sh.yaml']);
    assert.equal(read(dir, 'out/web.yaml'), FOREIGN);
  });

  it('recognises its own --format json files as well, and removes them', async () => {
    const dir = tempTree({ 's/a.sh': A, 's/b.sh': B });
    assert.equal((await runCli(['render', '-o', 'out', '--format', 'json', 's'], dir)).code, 0);
    assert.equal((JSON.parse(read(dir, 'out/b-sh.yaml')) as { kind: string }).kind, 'List');
    rmSync(join(dir, 's/b.sh'));
    assert.equal((await runCli(['render', '-o', 'out', '--format', 'json', 's'], dir)).code, 0);
    assert.deepEqual(ls(join(dir, 'out')), ['a-sh.yaml', 'kustomization.yaml']);
  });

  it('leaves a kustomization.yaml it did not write alone, and says which manifests it leaves out', async () => {
    const mine = 'resources:\n  - a-sh.yaml\npatches:\n  - path: patch.yaml\n';
    const dir = tempTree({ 's/a.sh': A, 's/b.sh': B, 'out/kustomization.yaml': mine });
    const r = await runCli(['render', '-o', 'out', 's'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(read(dir, 'out/kustomization.yaml'), mine);
    assert.match(r.stderr, /nixpod: warning: out\/kustomization\.yaml was not written by nixpod: left as it is, not rewritten; its resources leave out b-sh\.yaml\n {2}hint: /);
    assert.match(r.stderr, /wrote 2 files to out\n/);
  });

  it('a Kustomization or kustomization.yml of someone else\'s means no kustomization.yaml beside it (kustomize refuses two)', async () => {
    const dir = tempTree({ 's/a.sh': A });
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    writeFileSync(join(dir, 'out/kustomization.yml'), 'resources: [a-sh.yaml]\n');
    const r = await runCli(['render', '-o', 'out', 's'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ls(join(dir, 'out')), ['a-sh.yaml', 'kustomization.yml']);
    assert.doesNotMatch(r.stderr, /leave out/);
  });

  it('--no-kustomization: no kustomization.yaml, nixpod\'s earlier one removed, a foreign one left alone', async () => {
    const dir = tempTree({ 's/a.sh': A });
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    const r = await runCli(['render', '-o', 'out', '--no-kustomization', 's'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "wrote 1 file to out; removed nixpod's earlier kustomization.yaml (--no-kustomization)\n");
    assert.deepEqual(ls(join(dir, 'out')), ['a-sh.yaml']);
    assert.equal((await runCli(['render', '-o', 'out', '--no-kustomization', '--check', 's'], dir)).code, 0);
    // With the default, the check asks for the kustomization back.
    const check = await runCli(['render', '-o', 'out', '--check', 's'], dir);
    assert.equal([check.code, check.stdout].join(' '), `${EXIT.problems} missing  out/kustomization.yaml\n`);
    writeFileSync(join(dir, 'out/kustomization.yaml'), 'resources: []\n');
    const foreign = await runCli(['render', '-o', 'out', '--no-kustomization', 's'], dir);
    assert.equal(foreign.stderr, 'wrote 1 file to out\n');
    assert.equal(read(dir, 'out/kustomization.yaml'), 'resources: []\n');
    const noDir = await runCli(['render', '--no-kustomization', 's'], dir);
    assert.equal(noDir.code, EXIT.usage);
    assert.match(noDir.stderr, /--no-kustomization is about the folder written by -o DIR/);
  });

  it('files labelled as nixpod\'s under names or kinds it never writes are not its own: left alone', async () => {
    const dir = tempTree({ 's/a.sh': A, 's/b.sh': B });
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    const b = read(dir, 'out/b-sh.yaml');
    const mislabelled = b.replaceAll('kind: Pod', 'kind: Deployment');
    const copies = { '.b-sh.yaml': b, 'B-SH.yaml': b, 'b-sh.yml': b, 'b-sh.YAML': b, 'b_sh.yaml': b, 'copy.yaml': b, 'b-sh.json': mislabelled };
    for (const [f, text] of Object.entries(copies)) writeFileSync(join(dir, 'out', f), text);
    rmSync(join(dir, 's/b.sh'));
    const r = await runCli(['render', '-o', 'out', 's'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /removed 1 file no script renders any more: b-sh\.yaml\n$/);
    assert.deepEqual(ls(join(dir, 'out')), [...Object.keys(copies), 'a-sh.yaml', 'kustomization.yaml'].sort());
  });

  it('a file nixpod did not write where a manifest goes: refused (exit 2), named, nothing written; --check says so too', async () => {
    const dir = tempTree({ 's/a.sh': A, 's/b.sh': B, 'out/b-sh.yaml': FOREIGN });
    const r = await runCli(['render', '-o', 'out', 's'], dir);
    assert.equal(r.code, EXIT.usage);
    assert.equal(r.stderr, 'nixpod: error: cannot write out/b-sh.yaml: a file nixpod did not write is in the way (not a manifest of the script with that name, labelled app.kubernetes.io/managed-by: nixpod)\n  hint: move it out of out (or render to another folder), then run again\n');
    assert.deepEqual(ls(join(dir, 'out')), ['b-sh.yaml']);
    assert.equal(read(dir, 'out/b-sh.yaml'), FOREIGN);
    const check = await runCli(['render', '-o', 'out', '--check', 's'], dir);
    assert.equal(check.code, EXIT.usage);
    assert.equal(check.stdout, '');
    assert.match(check.stderr, /^nixpod: error: cannot write out\/b-sh\.yaml: a file nixpod did not write is in the way/);
    // Moved away, the render goes through; its own file is then replaced without a word.
    rmSync(join(dir, 'out/b-sh.yaml'));
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    writeFileSync(join(dir, 's/b.sh'), B + 'echo changed\n');
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
  });

  it('a failed write leaves the folder as it was, the files it would have removed included', async () => {
    const dir = tempTree({ 's/a.sh': A, 's/b.sh': B });
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    rmSync(join(dir, 's/b.sh'));
    const before = read(dir, 'out/kustomization.yaml');
    openTree(dir);
    try {
      // A foreign file the user cannot read stays out of the decision: not nixpod's to remove.
      writeFileSync(join(dir, 'out/secret.yaml'), 'x: 1\n', { mode: 0 });
      const prep = await runAsUser(['render', '-o', 'out', '--check', 's'], dir);
      assert.equal(prep.code, EXIT.usage, prep.stderr);
      rmSync(join(dir, 'out/secret.yaml'));
      chmodSync(join(dir, 'out'), 0o555);
      const r = await runAsUser(['render', '-o', 'out', 's'], dir);
      assert.equal(r.code, EXIT.usage, r.stderr);
      assert.match(r.stderr, /nixpod: error: cannot write to .*out: EACCES/);
    } finally {
      chmodSync(join(dir, 'out'), 0o755);
    }
    assert.deepEqual(ls(join(dir, 'out')), ['a-sh.yaml', 'b-sh.yaml', 'kustomization.yaml']);
    assert.equal(read(dir, 'out/kustomization.yaml'), before);
  });
});

describe('render -o DIR --check', () => {
  it('a current folder: exit 0, nothing on stdout, nothing written', async () => {
    const dir = tempTree({ 's/a.sh': A, 's/b.sh': B });
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    writeFileSync(join(dir, 'out/README.md'), 'bystander\n');
    writeFileSync(join(dir, 'out/web.yaml'), FOREIGN);
    const r = await runCli(['render', '-o', 'out', '--check', 's'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'out is up to date (3 files)\n');
  });

  it('a stale folder: one line per file with its state, a summary and the hint; exit 1; nothing changed', async () => {
    const dir = tempTree({ 's/a.sh': A, 's/b.sh': B, 's/c.sh': A });
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    writeFileSync(join(dir, 's/a.sh'), A + 'echo changed\n');
    rmSync(join(dir, 's/b.sh'));
    writeFileSync(join(dir, 's/d.sh'), B);
    rmSync(join(dir, 'out/c-sh.yaml'));
    const before = Object.fromEntries(ls(join(dir, 'out')).map((f) => [f, read(dir, `out/${f}`)]));
    const r = await runCli(['render', '-o', 'out', '--check', 's'], dir);
    assert.equal(r.code, EXIT.problems);
    assert.equal(r.stdout, ['stale    out/a-sh.yaml', 'extra    out/b-sh.yaml', 'missing  out/c-sh.yaml', 'missing  out/d-sh.yaml', 'stale    out/kustomization.yaml', ''].join('\n'));
    assert.equal(r.stderr, 'out is out of date: 2 stale, 2 missing, 1 extra (0 files current)\n  hint: run the same nixpod render without --check to update it\n');
    assert.deepEqual(Object.fromEntries(ls(join(dir, 'out')).map((f) => [f, read(dir, `out/${f}`)])), before);
    // After the render it asks for, the check passes.
    assert.equal((await runCli(['render', '-o', 'out', 's'], dir)).code, 0);
    assert.equal((await runCli(['render', '-o', 'out', '--check', 's'], dir)).code, 0);
  });

  it('a folder with foreign files only: they are neither extra nor touched', async () => {
    const dir = tempTree({ 's/a.sh': A, 'out/web.yaml': FOREIGN, 'out/README.md': 'x\n' });
    const r = await runCli(['render', '-o', 'out', '--check', 's'], dir);
    assert.equal(r.code, EXIT.problems);
    assert.equal(r.stdout, 'missing  out/a-sh.yaml\nmissing  out/kustomization.yaml\n');
    assert.deepEqual(ls(join(dir, 'out')), ['README.md', 'web.yaml']);
  });

  it('a folder that does not exist: everything is missing, and it is not created', async () => {
    const dir = tempTree({ 's/a.sh': A });
    const r = await runCli(['render', '-o', 'deploy/out', '--check', 's'], dir);
    assert.equal(r.code, EXIT.problems);
    assert.equal(r.stdout, 'missing  deploy/out/a-sh.yaml\nmissing  deploy/out/kustomization.yaml\n');
    assert.equal(existsSync(join(dir, 'deploy')), false);
  });

  it('--format json compares the JSON files', async () => {
    const dir = tempTree({ 's/a.sh': A });
    assert.equal((await runCli(['render', '-o', 'out', '--format', 'json', 's'], dir)).code, 0);
    assert.equal((await runCli(['render', '-o', 'out', '--format', 'json', '--check', 's'], dir)).code, 0);
    const yaml = await runCli(['render', '-o', 'out', '--check', 's'], dir);
    assert.equal(yaml.code, EXIT.problems);
    assert.equal(yaml.stdout, 'stale    out/a-sh.yaml\n');
  });

  it('an unreadable file, or a folder where a manifest goes: exit 2, named', async () => {
    const dir = tempTree({ 's/a.sh': A, 'out/other.yaml': FOREIGN });
    mkdirSync(join(dir, 'out/a-sh.yaml'));
    const folder = await runCli(['render', '-o', 'out', '--check', 's'], dir);
    assert.equal(folder.code, EXIT.usage);
    assert.match(folder.stderr, /nixpod: error: cannot write .*out\/a-sh\.yaml: it exists and is not a regular file\n/);
    rmSync(join(dir, 'out/a-sh.yaml'), { recursive: true });
    openTree(dir);
    chmodSync(join(dir, 'out/other.yaml'), 0);
    const r = await runAsUser(['render', '-o', 'out', '--check', 's'], dir);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.stderr, /nixpod: error: cannot read .*out\/other\.yaml: EACCES/);
  });

  it('--check without -o is a usage error', async () => {
    const dir = tempTree({ 's/a.sh': A });
    const r = await runCli(['render', '--check', 's'], dir);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.stderr, /nixpod: error: --check compares a folder written by -o DIR: give -o DIR\n/);
    assert.equal(r.stdout, '');
  });

  it('scripts with errors: exit 1 and the diagnostics, as without --check', async () => {
    const dir = tempTree({ 's/a.sh': script('#! nix-shell -i bash -p "jq # c"') });
    const r = await runCli(['render', '-o', 'out', '--check', 's'], dir);
    assert.equal(r.code, EXIT.problems);
    assert.match(r.stderr, /\[nix-comment\]/);
    assert.equal(existsSync(join(dir, 'out')), false);
  });
});

describe('core: ownership, plan and comparison', () => {
  const nixpodDoc = (name: string, kind = 'ConfigMap', script = 'a'): string =>
    `---\napiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  labels: {"app.kubernetes.io/managed-by":"nixpod","nixpod.dev/script":"${script}"}\n`;
  it('a file is nixpod\'s only when every object in it carries the managed-by label', () => {
    assert.equal(isNixpodManifest('a.yaml', nixpodDoc('a') + nixpodDoc('b', 'Pod')), true);
    assert.equal(isNixpodManifest('a.yaml', nixpodDoc('a') + '---\n' + FOREIGN), false);
    assert.equal(isNixpodManifest('a.yaml', FOREIGN), false);
    assert.equal(isNixpodManifest('a.yaml', '# app.kubernetes.io/managed-by: nixpod nixpod.dev/script\n'), false);
    assert.equal(isNixpodManifest('a.yaml', 'app.kubernetes.io/managed-by: nixpod\nnixpod.dev/script: a\n'), false);
    assert.equal(isNixpodManifest('a.yaml', nixpodDoc('a') + 'key: [unclosed\n'), false);
    const list = (labels: Record<string, string>, kind = 'Job'): string => JSON.stringify({ kind: 'List', items: [{ kind, metadata: { labels } }] });
    assert.equal(isNixpodManifest('a.yaml', list({ 'app.kubernetes.io/managed-by': 'nixpod', 'nixpod.dev/script': 'a' })), true);
    assert.equal(isNixpodManifest('a.json', list({ 'app.kubernetes.io/managed-by': 'nixpod', 'nixpod.dev/script': 'a' }, 'CronJob')), true);
    assert.equal(isNixpodManifest('a.yaml', JSON.stringify({ kind: 'List', items: [] })), false);
  });
  it('a file is nixpod\'s only under a name it writes, of kinds it renders, labelled with the script the name says', () => {
    const doc = nixpodDoc('x', 'ConfigMap', 'web');
    assert.equal(isNixpodManifest('web.yaml', doc), true);
    assert.equal(isNixpodManifest('web.json', doc), true);
    // Names nixpod never writes: another extension, case, a dot-file, a base that is no DNS label.
    for (const name of ['web.yml', 'web.YAML', 'Web.yaml', '.web.yaml', 'web.txt', 'we_b.yaml', '-web.yaml', 'web-.yaml', 'a.b.yaml', `${'a'.repeat(64)}.yaml`]) {
      assert.equal(isNixpodManifest(name, doc), false, name);
    }
    assert.equal(isNixpodManifest(`${'a'.repeat(63)}.yaml`, nixpodDoc('x', 'Pod', 'a'.repeat(63))), true);
    // The script label must name this file's script.
    assert.equal(isNixpodManifest('other.yaml', doc), false);
    assert.equal(isNixpodManifest('web.yaml', doc.replace(',"nixpod.dev/script":"web"', '')), false);
    // Kinds nixpod does not render, even labelled as its own.
    for (const kind of ['Deployment', 'Secret', 'Service', 'List']) assert.equal(isNixpodManifest('web.yaml', doc + nixpodDoc('y', kind, 'web')), false, kind);
  });
  it('the plan writes the kustomization last-sorted-independent and removes own leftovers only', () => {
    const existing = new Map([['old.yaml', nixpodDoc('old', 'Pod', 'old')], ['web.yaml', FOREIGN], ['kustomization.yaml', renderKustomization(['old.yaml'])]]);
    const plan = planOutput([{ name: 'b.yaml', content: 'B' }, { name: 'a.yaml', content: 'A' }], existing);
    assert.deepEqual(plan.write.map((f) => f.name), ['b.yaml', 'a.yaml', 'kustomization.yaml']);
    assert.equal(plan.write[2]?.content, renderKustomization(['a.yaml', 'b.yaml']));
    assert.deepEqual(plan.remove, ['old.yaml']);
    assert.deepEqual(compareOutput(plan, new Map([...existing, ['a.yaml', 'A']])), {
      changes: [{ name: 'b.yaml', state: 'missing' }, { name: 'kustomization.yaml', state: 'stale' }, { name: 'old.yaml', state: 'extra' }],
      current: 1,
    });
  });
  it('with a foreign Kustomization, nixpod\'s own kustomization.yaml goes (kustomize refuses a folder with two)', () => {
    const plan = planOutput([{ name: 'a.yaml', content: 'A' }], new Map([['Kustomization', 'resources: []\n'], ['kustomization.yaml', renderKustomization([])]]));
    assert.deepEqual(plan.write.map((f) => f.name), ['a.yaml']);
    assert.deepEqual(plan.remove, ['kustomization.yaml']);
    assert.deepEqual(plan.foreignKustomization, { name: 'Kustomization', unlisted: ['a.yaml'] });
  });
  it('without a kustomization: none is written, nixpod\'s earlier one goes, a foreign one stays and is not reported', () => {
    const plan = planOutput([{ name: 'a.yaml', content: 'A' }], new Map([['kustomization.yaml', renderKustomization([])]]), { kustomization: false });
    assert.deepEqual(plan.write.map((f) => f.name), ['a.yaml']);
    assert.deepEqual(plan.remove, ['kustomization.yaml']);
    const foreign = planOutput([{ name: 'a.yaml', content: 'A' }], new Map([['kustomization.yaml', 'resources: []\n']]), { kustomization: false });
    assert.deepEqual([foreign.remove, foreign.foreignKustomization], [[], undefined]);
  });
  it('a planned name holding a file nixpod did not write is a conflict; its own file, or the very text it would write, is not', () => {
    const existing = new Map([['a.yaml', FOREIGN], ['b.yaml', nixpodDoc('b', 'Pod', 'b')], ['c.yaml', 'C'], ['d.yaml', nixpodDoc('d', 'Pod', 'other')]]);
    const plan = planOutput(['d', 'c', 'b', 'a'].map((n) => ({ name: `${n}.yaml`, content: n.toUpperCase() })), existing);
    assert.deepEqual(plan.conflicts, ['a.yaml', 'd.yaml']);
  });
  it('names that YAML would read otherwise are quoted; an unreadable kustomization is said to be one', () => {
    assert.match(renderKustomization(['a.yaml', 'x: y.yaml']), /\n {2}- a\.yaml\n {2}- "x: y\.yaml"\n$/);
    assert.match(renderKustomization([]), /\nresources: \[\]\n$/);
    assert.deepEqual(unlistedIn('resources:\n  - ./a.yaml\n', ['a.yaml', 'b.yaml']), ['b.yaml']);
    assert.equal(unlistedIn('resources: [', ['a.yaml']), undefined);
  });
});
