import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript } from '../src/core/check/script.js';
import { summarizeShebang } from '../src/core/shebang/parse.js';
import { oracleSkip, runOracle, type OracleResult } from './helpers/oracle.js';

/**
 * `#! nixpod` lines must not change what real Nix does with a script: each
 * script below is given to the Nix 2.26 oracle with and without its
 * `#! nixpod` lines, and both must give the same words, interpreter, command,
 * NIX_PATH, --keep set and outcome. The lines are chosen to be read as
 * nix-shell arguments if Nix did read them (`-p`, `--pure`, `-i`, `-I`).
 */
const CASES = [
  '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello\n#! nixpod kind=cronjob schedule="0 3 * * *" memory=256Mi\necho hi\n',
  '#! /usr/bin/env nix-shell\n#! nixpod env=BACKUP_BUCKET=nightly-dumps secret-env=PGPASSWORD:pg-auth/password\n#! nix-shell -i bash\n#! nixpod -p cowsay --pure -i python3\n#! nix-shell -p hello --pure --keep PGPASSWORD\necho hi\n',
  "#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello\n#!nixpod\t-I nixpkgs=/nowhere 'label=a=b c'\n#!   nixpod   arg=\"x y\" --run false\necho body\n#! nixpod kind=job -i perl\n",
  '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello\n#! nixpod "unterminated\n#! nixpod trailing\\\n',
];

/** Drop every `#! nixpod` line, as if the script had none. */
const without = (t: string): string => t.split('\n').filter((l) => !/^#![ \t]*nixpod[ \t]/.test(l)).join('\n');

type Sem = NonNullable<OracleResult['sem']> & { envCommand?: string; pkgs?: string[] };

function observed(r: OracleResult): unknown {
  const sem = (r.sem ?? {}) as Sem;
  // The command names the script file, whose name differs between the two runs.
  const envCommand = sem.envCommand?.replace(/'[^']*\/s\d{5}\.sh'/g, "'SCRIPT'");
  return { raw: { words: r.raw?.words ?? null, error: r.raw?.error ?? null }, sem: { ok: sem.ok, interpreter: sem.interpreter, runCommand: sem.runCommand, envCommand, pkgs: sem.pkgs, inNixShell: sem.inNixShell, nixPath: sem.nixPath, error: sem.error }, keep: r.keep ?? null, driverError: r.driverError };
}

describe('real Nix ignores #! nixpod lines (Nix 2.26 oracle)', { skip: oracleSkip }, () => {
  it('the same script with and without them runs the same way', async () => {
    const texts = CASES.flatMap((t) => [t, without(t)]);
    for (let i = 0; i < CASES.length; i++) assert.notEqual(texts[2 * i], texts[2 * i + 1], `case ${i} has #! nixpod lines`);
    const results = await runOracle(texts);
    for (let i = 0; i < CASES.length; i++) {
      const a = results[2 * i] as OracleResult;
      const b = results[2 * i + 1] as OracleResult;
      assert.equal(a.driverError, undefined, `case ${i}: ${a.driverError}`);
      assert.deepEqual(observed(a), observed(b), `case ${i}`);
    }
    // And nixpod agrees with Nix on what the nix-shell lines say, #! nixpod lines or not.
    const nix = results[2] as OracleResult;
    const ours = summarizeShebang(checkScript({ path: 'a.sh', bytes: new TextEncoder().encode(CASES[1] as string), explicit: true }).model);
    assert.deepEqual(ours.packages, ['hello']);
    assert.equal(ours.pure, true);
    assert.deepEqual(nix.raw?.words, ours.packages);
    assert.equal(nix.sem?.interpreter, ours.interpreter);
    assert.equal(nix.sem?.inNixShell, 'pure');
    assert.deepEqual(nix.keep, ['PGPASSWORD']);
  });
});
