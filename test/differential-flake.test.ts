import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { randomFlakeScript } from './helpers/flake-gen.js';
import { flakeView, POD_ONLY_RULES } from './helpers/flake-view.js';
import { ORACLE_CHROOT, oracleSkip } from './helpers/oracle.js';
import { rng } from './helpers/random.js';
import { SHARED } from './helpers/shared.js';

/**
 * Generative differential test for `#! nix` scripts: random scripts, read by
 * nixpod and by real Nix 2.26 through ../shared/nix-oracle/nix-flake-oracle.mjs
 * (the real `nix SCRIPT ARG1 'a b'`, offline, against a fake nixpkgs flake;
 * the final execvp is intercepted). They must agree on error-or-not, the argv
 * nix execs and the installables it builds. A fixed seed plus a fresh one
 * per run (printed; replay with NIXPOD_DIFF_SEED).
 */
const FIXED_SEED = 20261129;
const FRESH_SEED = Number(process.env.NIXPOD_DIFF_SEED ?? Date.now() % 2 ** 31);
const PER_SEED = Number(process.env.NIXPOD_DIFF_CASES ?? 300);

interface FlakeOracleResult { file: string; exec?: { argv: string[] }; packages?: string[]; error?: string; driverError?: string }

/**
 * Where the oracle's fakes, not the reading, make nix stop: the fake packages
 * are not built with bash (nix develop) and have only an `out` output, and an
 * --expr's attributes (and whether it is one derivation) are known only by evaluating it. Nix stops there, before
 * its later checks: nothing more can be compared. nixpod cannot and need not predict these.
 */
const FAKE_EVAL_LIMIT = /only works on derivations that use 'bash'|in selection path .* not found|does not evaluate to a derivation|does not have wanted outputs|needs to evaluate to a single derivation/;
/** The fake packages carry no programs: with --ignore-env nix finds nothing to exec. Nix read everything by then. */
const FAKE_EXEC_LIMIT = /unable to execute/;

function runFlakeOracle(texts: readonly string[]): Promise<FlakeOracleResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-flake-oracle-'));
  const files = texts.map((t, i) => {
    const f = join(dir, `s${String(i).padStart(5, '0')}.sh`);
    writeFileSync(f, t, { mode: 0o755 });
    return f;
  });
  const chunks: string[][] = [[], []];
  files.forEach((f, i) => chunks[i % 2]?.push(f));
  const byFile = new Map<string, FlakeOracleResult>();
  const run = (chunk: string[]) =>
    new Promise<void>((resolve, reject) => {
      if (chunk.length === 0) return resolve();
      const env = { ...process.env, ORACLE_CHROOT: ORACLE_CHROOT ?? '', ORACLE_TIMEOUT: '20' };
      const p = spawn(process.execPath, [join(SHARED ?? '', 'nix-oracle/nix-flake-oracle.mjs'), ...chunk], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      p.on('error', reject);
      p.on('close', (code) => {
        if (code !== 0) return reject(new Error(`flake oracle exited ${code}`));
        for (const line of out.split('\n')) if (line.trim() !== '') byFile.set((JSON.parse(line) as FlakeOracleResult).file, JSON.parse(line) as FlakeOracleResult);
        resolve();
      });
    });
  return Promise.all(chunks.map(run)).then(() => files.map((f) => byFile.get(f) ?? { file: f, driverError: 'no result' }));
}

/** Why nixpod and Nix disagree on one script ('' when they agree). */
export function flakeDifference(text: string, o: FlakeOracleResult): string {
  if (o.driverError) return `oracle failed: ${o.driverError}`;
  const mine = flakeView(text);
  if (o.error && FAKE_EVAL_LIMIT.test(o.error)) return '';
  const nixError = o.error !== undefined && !FAKE_EXEC_LIMIT.test(o.error);
  if (nixError) return mine.error ? '' : `error: Nix stopped (${o.error}), nixpod found no error`;
  // --command with no program: nix execs the script itself, whose #! line runs nix again; nixpod refuses that loop.
  const loops = o.exec?.argv[0] === '<SCRIPT>' && mine.rules.every((r) => r === 'no-command' || POD_ONLY_RULES.has(r));
  if (mine.error && !mine.podOnly && !loops) return `error: Nix ran it, nixpod reports ${mine.rules.join(', ')}`;
  if (o.error) return '';
  const diffs: string[] = [];
  const theirs = o.exec && mine.exec?.[0] === '<PROGRAM>' ? ['<PROGRAM>', ...o.exec.argv.slice(1)] : o.exec?.argv;
  if (JSON.stringify(mine.exec) !== JSON.stringify(theirs ?? null)) diffs.push(`exec: nixpod ${JSON.stringify(mine.exec)}, Nix ${JSON.stringify(o.exec?.argv)}`);
  // Inside an --expr the oracle names each package from the expression's root (`hello.jq` for jq of an expression that is hello).
  const same = (m: string, n: string | undefined) => m === n || (mine.inExpr && n?.endsWith(`.${m}`) === true);
  const packagesAgree = mine.packages?.length === (o.packages ?? []).length && mine.packages.every((m, i) => same(m, o.packages?.[i]));
  if (mine.packages !== null && mine.exec !== null && mine.exec[0] !== '<PROGRAM>' && !packagesAgree) diffs.push(`packages: nixpod ${JSON.stringify(mine.packages)}, Nix ${JSON.stringify(o.packages)}`);
  return diffs.join('; ');
}

describe('differential test of #! nix scripts against real Nix 2.26', { skip: oracleSkip }, () => {
  for (const seed of [FIXED_SEED, FRESH_SEED]) {
    it(`${PER_SEED} random #! nix scripts read as nix reads them (seed ${seed}; replay with NIXPOD_DIFF_SEED=${seed})`, { timeout: 30 * 60_000 }, async (t) => {
      const r = rng(seed);
      const texts = Array.from({ length: PER_SEED }, () => randomFlakeScript(r));
      const results = await runFlakeOracle(texts);
      const failures = texts.map((text, i) => ({ text, why: flakeDifference(text, results[i] as FlakeOracleResult) })).filter((f) => f.why !== '');
      const ran = results.filter((o) => o.exec).length;
      const fakes = results.filter((o) => o.error && FAKE_EVAL_LIMIT.test(o.error)).length;
      t.diagnostic(`seed ${seed}: ${texts.length - failures.length}/${texts.length} agree (Nix ran ${ran}, stopped on ${texts.length - ran}, of which ${fakes} at the fakes' evaluation limits, not compared)`);
      if (failures.length === 0) return;
      const shown = failures.slice(0, 6).map((f) => `  ${f.why}\n    in ${JSON.stringify(f.text)}`).join('\n');
      assert.fail(`${failures.length} of ${texts.length} #! nix scripts disagree with Nix 2.26:\n${shown}`);
    });
  }
});
