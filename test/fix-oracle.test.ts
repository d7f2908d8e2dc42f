import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkScript } from '../src/core/check/script.js';
import { planFixes } from '../src/core/fix/plan.js';
import { oracleSkip, runOracle, type OracleResult } from './helpers/oracle.js';
import { SHARED } from './helpers/shared.js';

/**
 * Each fix of `check --fix` keeps what real Nix 2.26 reads, except the change
 * the fix means to make: the original and the fixed script go to the oracle,
 * and must agree on words, packages, interpreter, command, NIX_PATH, --keep and
 * outcome once that one change (a repeat gone, a pin added) is applied to the
 * original's reading. And the fixed quotes work on Nix 2.8 too, which is why
 * the fix exists: 2.8 reads the fixed script as 2.26 reads the original.
 */
const PIN = 'https://github.com/NixOS/nixpkgs/archive/0123456789abcdef0123456789abcdef01234567.tar.gz';
const CASES: { name: string; text: string; pin?: string }[] = [
  { name: 'single quotes', text: "#! /usr/bin/env nix-shell\n#! nix-shell -i python3 -p 'python3.withPackages (ps: [ ps.requests ])'\n#! nix-shell -p hello --run 'hello --greeting \"hi there\"'\n" },
  { name: 'quotes with backslashes and double quotes inside', text: "#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello --argstr msg 'a \"b\" \\c'\"d\" --keep 'MY_VAR'\n#! nix-shell --pure\n" },
  { name: 'CRLF', text: '#! /usr/bin/env nix-shell\r\n#! nix-shell -i bash -p jq\r\n#! nix-shell -p "curl"\r\necho hi\r\n' },
  { name: 'repeated packages', text: '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq curl jq\n#! nix-shell "curl"\n#! nix-shell hello\necho hi\n' },
  { name: 'pin', text: '#! /usr/bin/env nix-shell\n#! nix-shell -i bash\n#! nix-shell -p jq -I foo=./bar\n', pin: PIN },
  { name: 'all at once', text: "#! /usr/bin/env nix-shell\r\n#! nix-shell -i 'python3 -u' -p 'python3.withPackages (ps: [ ps.requests ])' jq jq\r\nprint(1)\r\n", pin: PIN },
];

type Sem = NonNullable<OracleResult['sem']> & { envCommand?: string; pkgs?: string[] };

/** What Nix read, with the script's temp path (which differs per run) taken out. */
function observed(r: OracleResult, change: { dedupe: boolean; pin?: string | undefined } = { dedupe: false }) {
  const sem = (r.sem ?? {}) as Sem;
  const uniq = (l: string[] | null | undefined) => (l && change.dedupe ? [...new Set(l)] : (l ?? null));
  return {
    words: uniq(r.raw?.words),
    rawError: r.raw?.error ?? null,
    ok: sem.ok,
    interpreter: sem.interpreter,
    runCommand: sem.runCommand,
    envCommand: sem.envCommand?.replace(/'[^']*\/s\d{5}\.sh'|'[^']*\/[^'/]+\.sh'/g, "'SCRIPT'"),
    pkgs: uniq(sem.pkgs),
    inNixShell: sem.inNixShell,
    nixPath: change.pin ? [`nixpkgs=${change.pin}`, ...(sem.nixPath ?? [])] : sem.nixPath,
    error: sem.error,
    keep: r.keep ?? null,
    driverError: r.driverError,
  };
}

function fixedText(c: (typeof CASES)[number]): string {
  const p = planFixes(c.text, { nixpkgsPin: c.pin });
  if (p.refused !== undefined) throw new Error(`${c.name}: refused: ${p.refused}`);
  assert.notEqual(p.text, c.text, c.name);
  return p.text;
}

describe('check --fix keeps what real Nix reads (Nix 2.26 oracle)', { skip: oracleSkip }, () => {
  it('original and fixed scripts read the same, but for the intended change', async () => {
    const fixed = CASES.map(fixedText);
    const results = await runOracle(CASES.flatMap((c, i) => [c.text, fixed[i] as string]));
    CASES.forEach((c, i) => {
      const [a, b] = [results[2 * i] as OracleResult, results[2 * i + 1] as OracleResult];
      assert.equal(a.driverError, undefined, `${c.name}: ${a.driverError}`);
      assert.equal(b.sem?.ok, true, `${c.name}: ${JSON.stringify(b)}`);
      const dedupe = /jq .*jq|curl.*"curl"/s.test(c.text);
      assert.deepEqual(observed(b), observed(a, { dedupe, pin: c.pin }), c.name);
      // And the check passes on the fixed script (no finding of a fixed rule is left).
      const left = checkScript({ path: 'a.sh', bytes: new TextEncoder().encode(fixed[i] as string), explicit: true }).diagnostics;
      const fixable = ['crlf', 'single-quotes', 'duplicate-package', ...(c.pin ? ['unpinned-nixpkgs'] : [])];
      assert.deepEqual(left.filter((d) => fixable.includes(d.rule)), [], c.name);
    });
  });

  it('Nix 2.8 (no single quotes) reads the fixed quotes as Nix 2.26 reads the original', { skip: hostNixSkip() }, async () => {
    const quoted = CASES.filter((c) => c.text.includes("'"));
    const modern = await runOracle(quoted.map((c) => c.text));
    const old = runHostOracle(quoted.map(fixedText));
    const oldOriginal = runHostOracle(quoted.map((c) => c.text));
    quoted.forEach((c, i) => {
      const dedupe = /jq .*jq/s.test(c.text);
      const want = observed(modern[i] as OracleResult, { dedupe, pin: c.pin });
      assert.deepEqual({ ...observed(old[i] as OracleResult), nixPath: want.nixPath }, want, c.name);
      assert.notDeepEqual(observed(oldOriginal[i] as OracleResult, { dedupe, pin: c.pin }), want, `${c.name}: 2.8 misreads the original`);
    });
  });
});

/** The host's Nix 2.8 (Debian bookworm's nix-bin), through the same oracle without the chroot. */
function runHostOracle(texts: readonly string[]): OracleResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-fix-oracle-'));
  const files = texts.map((t, i) => {
    const f = join(dir, `h${i}.sh`);
    writeFileSync(f, t, { mode: 0o755 });
    return f;
  });
  const r = spawnSync(process.execPath, [join(SHARED ?? '', 'nix-oracle/nix-shell-oracle.mjs'), ...files], { encoding: 'utf8', env: { ...process.env, ORACLE_CHROOT: '', ORACLE_TIMEOUT: '10' }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`host oracle failed: ${r.stderr}`);
  const byFile = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as OracleResult).map((o) => [o.file, o]));
  return files.map((f) => byFile.get(f) ?? { file: f, driverError: 'no result' });
}

function hostNixSkip(): string | false {
  if (oracleSkip) return oracleSkip;
  const v = spawnSync('nix-shell', ['--version'], { encoding: 'utf8' });
  return v.status === 0 && / 2\.([0-9]|1[0-8])\./.test(v.stdout) ? false : 'no Nix older than 2.19 on this host (Debian bookworm has 2.8)';
}
