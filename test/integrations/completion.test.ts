import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, before } from 'node:test';
import { Command, Option } from 'commander';
import { completionSpec } from '../../src/cli/completion.js';
import { bashScript } from '../../src/cli/completion-bash.js';
import { runCli, tempTree } from '../helpers/cli.js';
import { toolSkip } from '../helpers/tools.js';

const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';
const files = { 'scripts/a.sh': 'x', 'scripts/b.sh': 'x', 'nixpod.yaml': 'x', 'manifests/keep': 'x', 'my file.sh': 'x' };

async function scriptFor(shell: string): Promise<string> {
  const r = await runCli(['completion', shell], process.cwd());
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/**
 * Complete a line as bash does with the cursor at its end: words split at blanks and at '='
 * (COMP_WORDBREAKS), COMP_LINE/COMP_POINT set, then the function `complete -F` registered.
 */
function bashComplete(script: string, dir: string, line: string, withBashCompletion: boolean): string[] {
  const prelude = withBashCompletion ? `source ${BASH_COMPLETION}\n` : '';
  const harness = `${prelude}source ./completion.bash
COMP_LINE=$1; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=()
for w in $COMP_LINE; do
  while [[ $w == *=* ]]; do [[ -n \${w%%=*} ]] && COMP_WORDS+=("\${w%%=*}"); COMP_WORDS+=('='); w=\${w#*=}; done
  [[ -n $w ]] && COMP_WORDS+=("$w")
done
[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
fn=$(complete -p nixpod | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')
"$fn" nixpod "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"
`;
  writeFileSync(join(dir, 'completion.bash'), script);
  writeFileSync(join(dir, 'harness.bash'), harness);
  const r = spawnSync('bash', ['--norc', '--noprofile', 'harness.bash', line], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', `bash said something on stderr for ${JSON.stringify(line)}`);
  return r.stdout.split('\n').filter((l) => l !== '').sort();
}

const CASES: [line: string, expected: string[]][] = [
  ['nixpod ', ['apply', 'check', 'completion', 'diff', 'help', 'image', 'index', 'render', 'run']],
  ['nixpod re', ['render']],
  ['nixpod -', ['--help', '--version', '-V', '-h']],
  ['nixpod check --f', ['--fix', '--format']],
  ['nixpod check --format ', ['github', 'json', 'sarif', 'text']],
  ['nixpod check --format=j', ['json']],
  ['nixpod check --format=', ['github', 'json', 'sarif', 'text']],
  ['nixpod render --format ', ['json', 'yaml']],
  ['nixpod apply --dry-run ', ['client', 'none', 'server']],
  ['nixpod diff --kind c', ['cronjob']],
  ['nixpod apply -o ', ['json', 'text']],
  ['nixpod completion ', ['bash', 'fish', 'zsh']],
  ['nixpod help ap', ['apply']],
  ['nixpod apply -n ', []],
  ['nixpod apply --timeout ', []],
  ['nixpod check scripts/', ['scripts/a.sh', 'scripts/b.sh']],
  ['nixpod check --format json scripts/a', ['scripts/a.sh']],
  ['nixpod check --format=json scripts/a', ['scripts/a.sh']],
  ['nixpod render -o ma', ['manifests']],
  ['nixpod run scripts/a.sh -- --f', []],
  ['nixpod run scripts/a.sh -- scripts/b', ['scripts/b.sh']],
];

describe('nixpod completion bash, in real bash', () => {
  let script = '';
  let dir = '';
  before(async () => {
    script = await scriptFor('bash');
    dir = tempTree(files);
  });

  it('parses', () => {
    const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('completes commands, flags, flag values and paths with bash-completion', { skip: existsSync(BASH_COMPLETION) || process.env.NIXPOD_REQUIRE_TOOLS ? false : 'bash-completion is not installed' }, () => {
    for (const [line, expected] of CASES) assert.deepEqual(bashComplete(script, dir, line, true), expected, line);
    // _filedir quotes nothing itself; a name with a space comes back whole.
    assert.deepEqual(bashComplete(script, dir, 'nixpod check my', true), ['my file.sh']);
  });

  it('completes the same without bash-completion (plain bash, --flag=value split at =)', () => {
    for (const [line, expected] of CASES) assert.deepEqual(bashComplete(script, dir, line, false), expected, line);
  });

  it('follows the program: a flag added to a command completes, with its choices, without touching completion', () => {
    const program = new Command('nixpod');
    program.command('check').argument('[paths...]').addOption(new Option('--format <format>').choices(['text', 'sarif'])).option('--quiet').option('--baseline <file>');
    const generated = bashScript(completionSpec(program, 'nixpod', '0'));
    assert.deepEqual(bashComplete(generated, dir, 'nixpod check --', false), ['--baseline', '--format', '--help', '--quiet']);
    assert.deepEqual(bashComplete(generated, dir, 'nixpod check --format s', false), ['sarif']);
    assert.deepEqual(bashComplete(generated, dir, 'nixpod check --baseline scripts/a', false), ['scripts/a.sh']);
  });
});

describe('nixpod completion fish, in real fish', { skip: toolSkip('fish') }, () => {
  const fish = (dir: string, line: string): string[] => {
    const r = spawnSync('fish', ['--no-config', '-c', 'source completion.fish; complete -C $argv[1]', line], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0] ?? '').sort();
  };

  it('parses (fish -n) and completes commands, flag values and paths', async () => {
    const dir = tempTree(files);
    writeFileSync(join(dir, 'completion.fish'), await scriptFor('fish'));
    const n = spawnSync('fish', ['-n', 'completion.fish'], { cwd: dir, encoding: 'utf8' });
    assert.equal(n.status, 0, n.stderr);
    assert.deepEqual(fish(dir, 'nixpod '), ['apply', 'check', 'completion', 'diff', 'help', 'image', 'index', 'render', 'run']);
    assert.deepEqual(fish(dir, 'nixpod check --format '), ['github', 'json', 'sarif', 'text']);
    assert.deepEqual(fish(dir, 'nixpod apply --dry-run '), ['client', 'none', 'server']);
    assert.deepEqual(fish(dir, 'nixpod render --kind '), ['cronjob', 'job', 'pod']);
    assert.deepEqual(fish(dir, 'nixpod check scripts/'), ['scripts/a.sh', 'scripts/b.sh']);
    assert.deepEqual(fish(dir, 'nixpod render -o ma'), ['manifests/']);
    assert.ok(fish(dir, 'nixpod apply --').includes('--prune'));
  });
});

describe('nixpod completion zsh', { skip: toolSkip('zsh') }, () => {
  it('parses (zsh -n) and registers _nixpod for nixpod under compinit', async () => {
    const dir = tempTree(files);
    writeFileSync(join(dir, '_nixpod'), await scriptFor('zsh'));
    const n = spawnSync('zsh', ['-n', '_nixpod'], { cwd: dir, encoding: 'utf8' });
    assert.equal(n.status, 0, n.stderr);
    const r = spawnSync('zsh', ['-f', '-c', 'autoload -U compinit && compinit -u -D && source ./_nixpod && print -r -- $_comps[nixpod] && whence -w _nixpod'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '_nixpod\n_nixpod: function\n');
  });
});

describe('nixpod completion', () => {
  it('refuses a shell it does not know, with the ones it does', async () => {
    const r = await runCli(['completion', 'tcsh'], process.cwd());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /value 'tcsh' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish/);
  });
});
