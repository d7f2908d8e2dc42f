import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli, tempTree } from './helpers/cli.js';

/** The `nixpkgs` setting is what the Pod's NIX_PATH names, so `check --nix` checks unpinned scripts against it. */
const FIXTURE = join(ROOT, 'test/fixtures/nixpkgs');
const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;
const nixSkip = hasNix || process.env.NIXPOD_REQUIRE_NIX ? false : 'nix-instantiate is not installed (.ci/run installs nix-bin)';
const PATH = process.env.PATH ?? '/usr/bin:/bin';
const UNPINNED = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello kubectll\necho hi\n';

describe('check --nix and the nixpkgs setting', { skip: nixSkip }, () => {
  it('an unpinned script is checked against the nixpkgs setting, before NIX_PATH and --nixpkgs', async () => {
    const dir = tempTree({ '.git/HEAD': '', 'nixpod.yaml': `defaults:\n  nixpkgs: ${FIXTURE}\n`, 'a.sh': UNPINNED });
    for (const [env, flags] of [[{ PATH }, []], [{ PATH, NIX_PATH: 'nixpkgs=/nowhere' }, []], [{ PATH }, ['--nixpkgs', '/nowhere']]] as const) {
      const r = await runCli(['check', '--nix', ...flags, 'a.sh'], dir, env);
      assert.match(r.stdout, /^a\.sh:2:31: error: package 'kubectll' does not exist in nixpkgs .*fixtures\/nixpkgs \(the nixpkgs setting, nixpod\.yaml:2:3\) \[unknown-package\]\n {2}hint: did you mean 'kubectl'\?/m);
      assert.doesNotMatch(r.stdout, /nixpkgs-unavailable|unpinned-nixpkgs/);
    }
  });
  it('#! nixpod nixpkgs=… sets it too; the script\'s own -I nixpkgs= pin wins over both', async () => {
    const dir = tempTree({
      '.git/HEAD': '',
      'nixpod.yaml': 'defaults:\n  nixpkgs: /nowhere\n',
      'line.sh': `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello kubectll\n#! nixpod nixpkgs=${FIXTURE}\n`,
      'pinned.sh': `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello kubectll\n#! nix-shell -I nixpkgs=${FIXTURE}\n`,
      'plain.sh': UNPINNED,
    });
    const r = await runCli(['check', '--nix', '.'], dir, { PATH });
    assert.match(r.stdout, /^line\.sh:2:31: error: .*\(the nixpkgs setting, line\.sh:3:11\) \[unknown-package\]/m);
    assert.match(r.stdout, /^pinned\.sh:2:31: error: .*\(the script's -I pin\) \[unknown-package\]/m);
    assert.match(r.stdout, /^plain\.sh:1:1: error: cannot check packages against nixpkgs \/nowhere \(the nixpkgs setting, nixpod\.yaml:2:3\).*\[nixpkgs-unavailable\]\n {2}hint: check the nixpkgs setting \(nixpod\.yaml:2:3\)/m);
  });
});
