import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkNixExpression } from '../src/core/nix/scope.js';
import { randomNixExpr } from './helpers/nix-expr-gen.js';
import { parseWithNix, type ParseVerdict } from './helpers/nix-parse-oracle.js';
import { oracleSkip } from './helpers/oracle.js';
import { rng } from './helpers/random.js';

/**
 * Generative differential test of nixpod's Nix parser and scoping against
 * `nix-instantiate --parse -E` of Nix 2.26 (which binds variables too): random
 * expressions, valid and not, must be accepted or refused alike, and an
 * undefined variable Nix names must be one nixpod names. A fixed seed and a
 * fresh one per run (replay with NIXPOD_EXPR_SEED); NIXPOD_EXPR_CASES per seed.
 */
const FIXED_SEED = 20261129;
const FRESH_SEED = Number(process.env.NIXPOD_EXPR_SEED ?? Date.now() % 2 ** 31);
const PER_SEED = Number(process.env.NIXPOD_EXPR_CASES ?? 600);

function difference(expr: string, nix: ParseVerdict): string {
  const mine = checkNixExpression(expr);
  if (nix === null) return mine.length === 0 ? '' : `Nix parses it, nixpod says: ${mine[0]?.message}`;
  if (mine.length === 0) return `Nix refuses it (${nix}), nixpod accepts it`;
  const undef = /^undefined variable '(.*)'$/.exec(nix)?.[1];
  if (undef !== undefined && !mine.some((p) => p.name === undef)) return `Nix: ${nix}; nixpod: ${mine.map((p) => p.message).join(', ')}`;
  if (undef === undefined && mine[0]?.kind !== 'syntax') return `Nix: ${nix}; nixpod: ${mine[0]?.message}`;
  return '';
}

describe('Nix expressions: nixpod parses and scopes them as Nix 2.26 does', { skip: oracleSkip }, () => {
  for (const seed of [FIXED_SEED, FRESH_SEED]) {
    it(`${PER_SEED} random expressions (seed ${seed}; replay with NIXPOD_EXPR_SEED=${seed})`, { timeout: 20 * 60_000 }, async (t) => {
      const r = rng(seed);
      const exprs = Array.from({ length: PER_SEED }, () => randomNixExpr(r));
      const verdicts = await parseWithNix(exprs);
      const failures = exprs.map((e, i) => ({ e, why: difference(e, verdicts[i] ?? null) })).filter((f) => f.why !== '');
      const refused = verdicts.filter((v) => v !== null).length;
      const undef = verdicts.filter((v) => v?.startsWith('undefined variable')).length;
      t.diagnostic(`seed ${seed}: ${exprs.length - failures.length}/${exprs.length} agree; Nix refused ${refused} (${undef} for an undefined variable)`);
      assert.deepEqual(failures.slice(0, 8), [], `${failures.length} of ${exprs.length} disagree with Nix 2.26`);
    });
  }
});
