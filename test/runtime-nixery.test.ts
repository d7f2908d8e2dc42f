import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseRuntimeFlag } from '../src/core/runtime/flag.js';
import { gitRefOf } from '../src/core/runtime/nixery.js';
import { imageRepository, nixeryHost } from '../src/core/runtime/reference.js';
import { runCli, tempTree } from './helpers/cli.js';

type Obj = { kind: string; spec: { containers: { image: string; command?: string[]; args?: string[]; volumeMounts?: unknown }[]; volumes?: unknown } };
const docs = (yaml: string): Obj[] => yaml.split(/^---\n/m).filter((d) => d.trim() !== '').map((d) => parse(d) as Obj);
const PIN = '#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/0123456789abcdef0123456789abcdef01234567.tar.gz\n';

async function render(text: string, args: string[], config?: string): Promise<{ code: number; objects: Obj[]; stderr: string }> {
  const dir = tempTree({ 's.sh': text, ...(config ? { 'nixpod.yaml': config } : {}) });
  const r = await runCli(['render', 's.sh', ...args], dir);
  return { code: r.code, objects: r.code === 0 ? docs(r.stdout) : [], stderr: r.stderr };
}

describe('runtime nixery', () => {
  it('names the Nixery image from the -p words (lowercase, in order, bashInteractive added) and tags it with the pinned commit', async () => {
    const r = await render(`#! /usr/bin/env nix-shell\n#! nix-shell -i python3 -p python3 jq haskellPackages.pandoc xorg.xev jq\n${PIN}`, ['--runtime', 'nixery=nixery.dev/arm64']);
    assert.equal(r.code, 0, r.stderr);
    const [cm, pod] = r.objects;
    assert.equal(cm?.kind, 'ConfigMap');
    const c = pod?.spec.containers[0];
    assert.equal(c?.image, 'nixery.dev/arm64/python3/jq/haskellpackages.pandoc/xorg.xev/bashinteractive:0123456789abcdef0123456789abcdef01234567');
    assert.deepEqual(c?.command, ['/bin/bash', '-c', 'export PATH=/bin${PATH:+:$PATH} IN_NIX_SHELL=impure\nexec python3 "$@"', 'nixpod', '/nixpod/s.sh']);
  });

  it('reads runtime and nixery from nixpod.yaml and #! nixpod lines; unpinned scripts get :latest', async () => {
    const r = await render('#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p curl\n#! nixpod nixery=nixery.internal:5000\n', [], 'defaults:\n  runtime: nixery\n  nixery: nixery.dev\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.objects[1]?.spec.containers[0]?.image, 'nixery.internal:5000/curl/bashinteractive:latest');
  });

  it('refuses words Nixery cannot serve, each at its position', async () => {
    const text = `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "python3.withPackages (ps: [ ps.requests ])" ./local.nix perlPackages.JSON\n#! nix-shell --arg config "{}"\n${PIN}`;
    const r = await render(text, ['--runtime', 'nixery=nixery.dev']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^s\.sh:2:25: error: 'python3\.withPackages \(ps: \[ ps\.requests \]\)' is a Nix expression: Nixery builds images only from package attribute paths \[nixery-unsupported\]$/m);
    assert.match(r.stderr, /^s\.sh:2:70: error: '\.\/local\.nix' is a local file or search path: Nixery builds images only from package attribute paths \[nixery-unsupported\]$/m);
    assert.match(r.stderr, /^s\.sh:2:82: error: 'perlPackages\.JSON': image names are lowercase and Nixery restores the case of top-level names only, so 'JSON' cannot be found \[nixery-unsupported\]$/m);
    assert.match(r.stderr, /^s\.sh:3:14: error: --arg config: Nixery imports nixpkgs with its own arguments, not the script's \[nixery-unsupported\]$/m);
  });

  it('refuses a pin it cannot map to a tag, and says a runtime needs its host', async () => {
    const r = await render('#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I nixpkgs=https://example.com/nixpkgs.tar.gz\n', ['--runtime', 'nixery=nixery.dev']);
    assert.match(r.stderr, /^s\.sh:2:28: error: nixpkgs 'https:\/\/example\.com\/nixpkgs\.tar\.gz': Nixery selects nixpkgs by a git ref in the image tag, and this pin names none \[nixery-pin\]$/m);
    const none = await render(`#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n${PIN}`, [], 'defaults:\n  runtime: nixery\n');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^nixpod\.yaml:2:3: error: runtime nixery needs the Nixery registry, and none is set \(for s\.sh\) \[missing-nixery\]$/m);
  });

  it('refuses a tag pin: Nixery hands the tag to fetchGit as a ref, which git reads as a branch', async () => {
    const r = await render('#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\n', ['--runtime', 'nixery=nixery.dev']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^s\.sh:2:28: error: nixpkgs '[^']+': Nixery passes the image tag to fetchGit as ref '24\.11', which git reads as a branch, so a tag pin cannot be served \[nixery-pin\]$/m);
    assert.match(r.stderr, /hint: pin the tag's commit: https:\/\/github\.com\/NixOS\/nixpkgs\/archive\/<commit>\.tar\.gz/);
  });

  it('maps nixpkgs pins to git refs', () => {
    assert.equal(gitRefOf('https://github.com/NixOS/nixpkgs/archive/0123456789abcdef0123456789abcdef01234567.tar.gz'), '0123456789abcdef0123456789abcdef01234567');
    // GitHub reads owner and repository case-blind; .zip archives name the same ref.
    assert.equal(gitRefOf('https://github.com/nixos/nixpkgs/archive/nixos-24.11.tar.gz'), 'nixos-24.11');
    assert.equal(gitRefOf('https://github.com/NixOS/nixpkgs/archive/0123456789abcdef0123456789abcdef01234567.zip'), '0123456789abcdef0123456789abcdef01234567');
    assert.equal(gitRefOf('https://codeload.github.com/nixos/NixPkgs/zip/nixos-24.11'), 'nixos-24.11');
    assert.equal(gitRefOf('https://github.com/NixOS/nixpkgs/archive/refs/heads/nixos-24.11.tar.gz'), 'nixos-24.11');
    // A tag stays a tag: tagFor refuses it.
    assert.equal(gitRefOf('https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz'), 'refs/tags/24.11');
    assert.equal(gitRefOf('channel:nixos-24.11'), 'nixos-24.11');
    assert.equal(gitRefOf('https://nixos.org/channels/nixos-unstable/nixexprs.tar.xz'), 'nixos-unstable');
    assert.equal(gitRefOf('https://example.com/x.tar.gz'), undefined);
  });
});

describe('runtime image', () => {
  it('runs REGISTRY:<hash> with the image\'s own entrypoint: no ConfigMap, no volume, no command', async () => {
    const r = await render(`#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n${PIN}`, ['--runtime', 'image=ghcr.io/acme/scripts']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.objects.length, 1);
    const pod = r.objects[0];
    assert.equal(pod?.kind, 'Pod');
    const c = pod?.spec.containers[0];
    assert.match(c?.image ?? '', /^ghcr\.io\/acme\/scripts:[0-9a-f]{10}$/);
    assert.equal(c?.command, undefined);
    assert.equal(c?.volumeMounts, undefined);
    assert.equal(pod?.spec.volumes, undefined);
  });

  it('renders the tag nixpod image printed', async () => {
    const dir = tempTree({ 's.sh': `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n${PIN}` });
    const built = await runCli(['image', 's.sh', '-o', 'out', '--registry', 'ghcr.io/acme/scripts'], dir);
    const rendered = await runCli(['render', 's.sh', '--runtime', 'image=ghcr.io/acme/scripts'], dir);
    assert.equal(rendered.code, 0, rendered.stderr);
    assert.ok(rendered.stdout.includes(`image: ${built.stdout.split('\t')[1]?.trim() ?? 'none'}\n`), rendered.stdout);
  });
});

describe('the bash program, run by real bash', () => {
  const program = async (lines: string): Promise<string[]> => {
    const r = await render(`#! /usr/bin/env nix-shell\n${lines}\n${PIN}`, ['--runtime', 'nixery=nixery.dev']);
    assert.equal(r.code, 0, r.stderr);
    return r.objects[1]?.spec.containers[0]?.command ?? [];
  };
  const run = (command: string[], script: string, env: Record<string, string>, args: string[] = []) => {
    const dir = tempTree({});
    const file = join(dir, 's.sh');
    writeFileSync(file, script);
    const cmd = command.map((c) => (c === '/nixpod/s.sh' ? file : c));
    // stdin from /dev/null: bash reads ~/.bashrc when stdin is a socket (its rshd check), as Node's pipes are.
    return spawnSync(cmd[0] as string, [...cmd.slice(1), ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  };

  it('--pure: only nix-shell\'s kept variables and --keep names survive; PATH is the packages\' bin; IN_NIX_SHELL=pure', async () => {
    const cmd = await program(`#! nix-shell -i bash --pure --keep "A'B" -p jq`);
    const r = run(cmd, 'echo "$IN_NIX_SHELL|$PATH|${SECRET-unset}|${HOME}|${KEEP_ME-unset}|$1"\n', { SECRET: 's', HOME: '/h', KEEP_ME: 'no', "A'B": 'x', PATH: '/usr/bin:/bin' }, ['arg1']);
    assert.equal(r.stdout, 'pure|/bin|unset|/h|unset|arg1\n', r.stderr);
  });

  it('impure: the environment stays, PATH gets the packages\' bin first', async () => {
    const cmd = await program('#! nix-shell -i bash -p jq');
    const r = run(cmd, 'echo "$IN_NIX_SHELL|$PATH|$SECRET"\n', { SECRET: 's', PATH: '/usr/bin' });
    assert.equal(r.stdout, 'impure|/bin:/usr/bin|s\n', r.stderr);
  });

  it('-i with words is pasted as nix-shell pastes it; --run runs its command and not the script', async () => {
    const withWords = await program('#! nix-shell -i "bash -e" -p jq');
    assert.equal(run(withWords, 'false\necho not reached\n', { PATH: '/usr/bin' }).status, 1);
    const runCmd = await program('#! nix-shell --run "echo ran" -p jq');
    assert.deepEqual(runCmd.slice(3), ['nixpod']);
    assert.equal(run(runCmd, 'echo script\n', { PATH: '/usr/bin' }).stdout, 'ran\n');
  });
});

describe('runtime values', () => {
  it('--runtime takes nix-shell, nixery[=HOST], image[=REPO], and says why not', () => {
    assert.deepEqual(parseRuntimeFlag('nixery=nixery.dev/shell'), { runtime: 'nixery', nixery: 'nixery.dev/shell' });
    assert.deepEqual(parseRuntimeFlag('image'), { runtime: 'image' });
    assert.match(parseRuntimeFlag('docker') as string, /is not nix-shell, nixery\[=HOST\] or image\[=REPO\]/);
    assert.match(parseRuntimeFlag('image=ghcr.io/a/b:v1') as string, /must not have a tag/);
    assert.equal(nixeryHost('https://nixery.dev'), 'must start with a registry host such as nixery.dev or nixery.internal:5000 (no scheme, no tag)');
    assert.equal(imageRepository('localhost:5000/scripts'), undefined);
    assert.match(imageRepository('ghcr.io/Acme/x') ?? '', /path component 'Acme'/);
  });

  it('a Nixery host must read as a host (a dot, a port or localhost), not as a Docker Hub path', async () => {
    for (const ok of ['nixery.dev', 'nixery:5000', 'localhost', 'localhost/shell', 'nixery.nixery.svc:80/arm64']) assert.equal(nixeryHost(ok), undefined, ok);
    for (const bad of ['nixery', 'nixery/shell']) assert.match(nixeryHost(bad) ?? '', /has no registry host: 'nixery' has no '\.', ':port' or localhost, so the image would be looked up on Docker Hub/, bad);
    const flag = await render(`#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n${PIN}`, ['--runtime', 'nixery=nixery']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /the Nixery host 'nixery' has no registry host/);
    const setting = await render(`#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n${PIN}`, [], 'defaults:\n  runtime: nixery\n  nixery: nixery\n');
    assert.equal(setting.code, 1);
    assert.match(setting.stderr, /^nixpod\.yaml:3:\d+: error: .*has no registry host/m);
  });
});
