import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkScript } from '../src/core/check/script.js';
import { summarizeShebang } from '../src/core/shebang/parse.js';
import { oracleSkip, runOracle, type OracleResult } from './helpers/oracle.js';
import { rng } from './helpers/random.js';
import { randomShebangScript } from './helpers/shebang-gen.js';

/**
 * Generative differential test: random shebang scripts, parsed by nixpod and
 * by real Nix 2.26 (through the oracle), must give the same interpreter,
 * package words, pure, keep, -I entries, and error-or-not. A fixed seed plus a
 * fresh one per run (printed; replay with NIXPOD_DIFF_SEED). A disagreement is
 * shrunk to a small script by asking the oracle again, and printed so it can
 * be kept as a regression fixture.
 */
const FIXED_SEED = 20261127;
const FRESH_SEED = Number(process.env.NIXPOD_DIFF_SEED ?? Date.now() % 2 ** 31);
const PER_SEED = Number(process.env.NIXPOD_DIFF_CASES ?? 500);

/** The comparable view of one script; `error` is whether nix-shell stops while reading its arguments. */
interface View {
  error: boolean;
  /** The -p words, null without -p, or 'invalid Nix' when Nix could not parse the expression they make. */
  packages?: string[] | null | 'invalid Nix';
  /** nixpod found a -p word, --arg value or -E expression that is not valid Nix on its own. */
  wordError?: boolean;
  /** The names nixpod says no scope defines in --arg values and -E expressions. */
  undefinedNames?: string[];
  /** nixpod found an --arg value or -E expression that Nix refuses before evaluating it. */
  exprError?: boolean;
  /** Without a #! first line nix-shell parses the file itself as Nix (nixpod: not-a-script). */
  fileIsExpr?: boolean;
  interpreter?: string | null;
  run?: string | null;
  pure?: boolean;
  keep?: string[];
  nixPath?: string[];
}

const ARG_ERROR = /requires (?:an|\d+) argument|unrecognised flag|unexpected argument|unterminated quote|mutually exclusive|is not an integer|invalid unit specifier|^timeout/;

const SYNTAX_ERROR = /syntax error/;
// What Nix's parser refuses (syntax, then scoping), before any evaluation. Read from the raw pass only: in the
// semantic pass an `undefined variable` can also be a `with` lookup failing at run time (the recorder lacks a name).
const PARSE_ERROR = /syntax error|undefined variable|already defined|duplicate formal|dynamic attributes not allowed|path has a trailing slash|invalid integer|pipe-operators/;
// nixpod's rules for --arg values and -E expressions Nix refuses.
const EXPR_RULES = new Set(['expr-syntax', 'undefined-variable']);
// nixpod's rules for package words that are not valid Nix on their own.
const WORD_RULES = new Set(['empty-package', 'nix-comment', 'nix-syntax', 'invalid-attr-path', ...EXPR_RULES]);

// What the oracle can observe of --keep: names that are shell identifiers it set a sentinel for.
const OBSERVABLE_KEEP = /^[A-Za-z_][A-Za-z0-9_]*$/;

function nixpodView(text: string): View {
  const c = checkScript({ path: 's.sh', bytes: new TextEncoder().encode(text), explicit: true });
  // nix-shell refuses -p with -E while reading its arguments; nixpod says so as a finding.
  if (c.model.error || c.diagnostics.some((d) => d.rule === 'packages-and-expr')) return { error: true };
  const s = summarizeShebang(c.model);
  return {
    error: false,
    packages: c.model.args.packagesFlag ? s.packages : null,
    wordError: c.diagnostics.some((d) => WORD_RULES.has(d.rule)),
    exprError: c.diagnostics.some((d) => EXPR_RULES.has(d.rule)),
    fileIsExpr: c.diagnostics.some((d) => d.rule === 'not-a-script'),
    undefinedNames: c.diagnostics.filter((d) => d.rule === 'undefined-variable').map((d) => /undefined variable '([^']*)'/.exec(d.message)?.[1] ?? ''),
    interpreter: s.interpreter,
    run: s.run,
    pure: s.pure,
    keep: s.keep.filter((k) => OBSERVABLE_KEEP.test(k) && text.includes(k)).sort(),
    nixPath: s.nixPath,
  };
}

function oracleView(o: OracleResult): View | string {
  if (o.driverError) return `oracle failed: ${o.driverError}`;
  const raw = o.raw;
  // nix-shell's own argument errors (nix-build.cc, args.cc, shellwords), or a hang.
  if (!raw?.expr && ARG_ERROR.test(raw?.error ?? '')) return { error: true };
  // With -p, nix-shell writes the expression the raw pass reads the words from; without, it looks for expression files.
  // Words that are not valid Nix make that expression a syntax error: nixpod must have said so.
  const invalid = PARSE_ERROR.test(raw?.error ?? '') || SYNTAX_ERROR.test(o.sem?.error ?? '');
  const v: View = { error: false, packages: invalid ? 'invalid Nix' : raw?.expr ? (raw.words ?? []) : null };
  if (o.sem?.ok) {
    v.interpreter = o.sem.interpreter ?? null;
    v.run = o.sem.runCommand ?? null;
    v.pure = o.sem.inNixShell === 'pure';
    v.keep = (o.keep ?? []).filter((k) => OBSERVABLE_KEEP.test(k));
    v.nixPath = o.sem.nixPath ?? [];
  }
  return v;
}

/** The fields both sides report that differ ('' when they agree). */
function difference(text: string, o: OracleResult): string {
  const mine = nixpodView(text);
  const theirs = oracleView(o);
  if (typeof theirs === 'string') return theirs;
  if (mine.error !== theirs.error) return `error: nixpod ${mine.error}, Nix ${theirs.error}${o.raw?.error ? ` (${o.raw.error})` : ''}`;
  // Where Nix cannot parse the expression the words make, nixpod must have found a word that is not valid Nix.
  // (The converse need not hold: nixpod checks each word alone, and words can be valid only together, as in `"a b" c"`.)
  if (theirs.packages === 'invalid Nix' && mine.wordError) mine.packages = 'invalid Nix';
  // A file read as Nix itself: its own undefined names are not expression errors of the shebang.
  if (mine.fileIsExpr && theirs.packages === 'invalid Nix' && !SYNTAX_ERROR.test(o.raw?.error ?? '') && !SYNTAX_ERROR.test(o.sem?.error ?? '')) theirs.packages = o.raw?.expr ? (o.raw.words ?? []) : null;
  const diffs: string[] = [];
  const scoping = scopingDifference(mine, o);
  if (scoping) diffs.push(scoping);
  for (const k of ['packages', 'interpreter', 'run', 'pure', 'keep', 'nixPath'] as const) {
    if (theirs[k] === undefined) continue;
    if (JSON.stringify(mine[k]) !== JSON.stringify(theirs[k])) diffs.push(`${k}: nixpod ${JSON.stringify(mine[k])}, Nix ${JSON.stringify(theirs[k])}`);
  }
  return diffs.join('; ');
}

/**
 * --arg values and -E expressions: when Nix names an undefined variable, nixpod
 * names it too; when Nix's parser accepts everything, nixpod reports no
 * expression error. (Nix stops at its first error, nixpod reports them all.)
 */
function scopingDifference(mine: View, o: OracleResult): string {
  if (mine.fileIsExpr) return '';
  const nixError = PARSE_ERROR.test(o.raw?.error ?? '') ? o.raw?.error : undefined;
  const undef = /undefined variable '([^']*)'/.exec(nixError ?? '')?.[1];
  if (undef !== undefined && !mine.undefinedNames?.includes(undef)) return `scoping: Nix: ${nixError}; nixpod names ${JSON.stringify(mine.undefinedNames)}`;
  if (!nixError && mine.exprError) return `scoping: Nix parses every expression, nixpod reports an expression error`;
  return '';
}

/** Candidate smaller scripts: one line less, or one shebang word less. */
function smaller(text: string): string[] {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol);
  const out: string[] = [];
  for (let i = 1; i < lines.length - 1; i++) out.push([...lines.slice(0, i), ...lines.slice(i + 1)].join(eol));
  lines.forEach((l, i) => {
    if (i === 0 || !l.startsWith('#!')) return;
    const parts = l.split(/(?<=\S)(?=[ \t])/);
    for (let j = 1; j < parts.length; j++) out.push([...lines.slice(0, i), [...parts.slice(0, j), ...parts.slice(j + 1)].join(''), ...lines.slice(i + 1)].join(eol));
  });
  return out;
}

/** The kind of a disagreement: the fields that differ. */
const kind = (why: string): string => why.split('; ').map((d) => d.split(':')[0]).join(',');

/** Greedy shrinking: keep the first smaller script that still disagrees in the same way, a bounded number of rounds. */
async function shrink(text: string, why: string): Promise<string> {
  let current = text;
  for (let round = 0; round < 12; round++) {
    const candidates = smaller(current);
    if (candidates.length === 0) break;
    const results = await runOracle(candidates);
    const i = candidates.findIndex((c, k) => kind(difference(c, results[k] as OracleResult)) === kind(why));
    if (i < 0) break;
    current = candidates[i] as string;
  }
  return current;
}

describe('differential test against real Nix 2.26', { skip: oracleSkip }, () => {
  for (const seed of [FIXED_SEED, FRESH_SEED]) {
    it(`${PER_SEED} random scripts parse as real Nix parses them (seed ${seed}; replay with NIXPOD_DIFF_SEED=${seed})`, { timeout: 30 * 60_000 }, async (t) => {
      const r = rng(seed);
      const texts = Array.from({ length: PER_SEED }, () => randomShebangScript(r));
      const results = await runOracle(texts);
      const failures = texts.map((text, i) => ({ text, why: difference(text, results[i] as OracleResult) })).filter((f) => f.why !== '');
      const agreed = texts.length - failures.length;
      const errors = texts.filter((text) => nixpodView(text).error).length;
      const parseErrors = results.map((o) => (PARSE_ERROR.test(o.raw?.error ?? '') ? (o.raw?.error ?? '') : ''));
      const undefinedVars = parseErrors.filter((e) => e.includes('undefined variable')).length;
      t.diagnostic(`seed ${seed}: ${agreed}/${texts.length} agree (${errors} of them are argument errors in both; Nix's parser refused ${parseErrors.filter((e) => e !== '').length}, ${undefinedVars} for an undefined variable)`);
      if (failures.length === 0) return;
      const first = failures[0] as { text: string; why: string };
      const small = await shrink(first.text, first.why);
      const dir = mkdtempSync(join(tmpdir(), 'nixpod-disagreement-'));
      writeFileSync(join(dir, 'original.sh'), first.text);
      writeFileSync(join(dir, 'shrunk.sh'), small);
      const kinds = new Map<string, { text: string; why: string }>();
      for (const f of failures) if (!kinds.has(kind(f.why))) kinds.set(kind(f.why), f);
      const others = [...kinds.values()].slice(1, 6).map((f) => `  ${f.why}\n    in ${JSON.stringify(f.text)}`).join('\n');
      assert.fail(
        `${failures.length} of ${texts.length} scripts disagree with Nix 2.26. First: ${first.why}\n` +
          (others ? `other kinds:\n${others}\n` : '') +
          `script: ${JSON.stringify(first.text)}\nshrunk: ${JSON.stringify(small)}\n` +
          `shrunk difference: ${difference(small, (await runOracle([small]))[0] as OracleResult)}\n(both written to ${dir}; keep the shrunk one as a regression fixture)`,
      );
    });
  }
});
