import { resolve } from 'node:path';
import type { CheckedScript } from '../../core/check/script.js';
import { countBySeverity } from '../../core/diagnostic.js';
import { unifiedDiff } from '../../core/diff.js';
import { FIXABLE_RULES, planFixes, type Fix } from '../../core/fix/plan.js';
import { replaceFile, whyNotReplaceable } from '../../io/replace.js';
import { UsageError } from '../../core/errors.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { printablePath } from '../reporter.js';
import { runCheck, type CheckOptions } from './check.js';
import { loadAndCheck } from './load.js';

export interface FixOptions {
  /** Print what would change as a unified diff; write nothing. */
  dryRun: boolean;
  /** `--nixpkgs-pin`: an http(s) URL, `channel:NAME`, or `config` for each script's own `nixpkgs` setting. */
  nixpkgsPin: string | undefined;
}

/** `--nixpkgs-pin config`: the pin comes from each script's settings (nixpod.yaml, `#! nixpod nixpkgs=`). */
export const PIN_FROM_CONFIG = 'config';

interface Change {
  script: CheckedScript;
  text: string;
  fixes: Fix[];
}

/**
 * `nixpod check --fix`: rewrite what has one safe fix (see core/fix/plan.ts),
 * one file at a time and atomically, say each fix as `path:line:col`, then
 * check again and report what is left, as `check` does.
 */
export async function runFix(opts: CheckOptions, fix: FixOptions, io: CliIo): Promise<number> {
  const run = await loadAndCheck(opts.paths, io.cwd, { config: opts.config });
  const fixable = new Set(run.diagnostics.filter((d) => FIXABLE_RULES.has(d.rule)).map((d) => d.path));
  const changes: Change[] = [];
  const leftAlone: string[] = [];
  for (const script of run.scripts) {
    const plan = script.text === null ? { refused: 'it is not valid UTF-8' } : planFixes(script.text, { nixpkgsPin: pinFor(script, fix.nixpkgsPin) });
    if (plan.refused !== undefined) {
      if (fixable.has(script.path)) leftAlone.push(`${printablePath(script.path)}: not fixed: ${plan.refused}\n`);
    } else if (plan.fixes.length > 0) {
      const why = await whyNotReplaceable(resolve(io.cwd, script.path));
      if (why !== undefined) leftAlone.push(`${printablePath(script.path)}: not fixed: ${why}\n`);
      else changes.push({ script, text: plan.text, fixes: plan.fixes });
    }
  }
  // stdout carries the report (json, github, …) or, with --dry-run, the diff: the fix lines then go to stderr.
  const say = fix.dryRun || opts.format !== 'text' ? io.stderr : io.stdout;
  // Each file is replaced whole; a signal stops before the next one (the exit code then says so).
  const done: Change[] = [];
  for (const c of changes) {
    if (io.signal.aborted) break;
    if (fix.dryRun) io.stdout(unifiedDiff(c.script.text ?? '', c.text, `a/${c.script.path}`, `b/${c.script.path}`));
    else await replaceFile(resolve(io.cwd, c.script.path), c.script.bytes, c.text);
    done.push(c);
    for (const f of c.fixes) say(`${printablePath(c.script.path)}:${f.line}:${f.col}: ${fix.dryRun ? 'would fix' : 'fixed'}: ${f.message} [${f.rule}]\n`);
  }
  for (const l of leftAlone) io.stderr(l);
  const count = done.reduce((n, c) => n + c.fixes.length, 0);
  const files = `${done.length} file${done.length === 1 ? '' : 's'}`;
  if (done.length < changes.length) {
    io.stderr(`interrupted: fixed ${count} problem${count === 1 ? '' : 's'} in ${files}; ${changes.length - done.length} more file${changes.length - done.length === 1 ? ' was' : 's were'} left as they were\n`);
    return EXIT.problems;
  }
  if (fix.dryRun) {
    io.stderr(count === 0 ? 'nothing to fix\n' : `would fix ${count} problem${count === 1 ? '' : 's'} in ${files} (--dry-run: nothing was written)\n`);
    return count > 0 || countBySeverity(run.diagnostics).errors > 0 ? EXIT.problems : EXIT.ok;
  }
  if (count > 0) io.stderr(`fixed ${count} problem${count === 1 ? '' : 's'} in ${files}\n`);
  // What is left, checked again from the files as written.
  return runCheck(opts, io);
}

function pinFor(script: CheckedScript, pin: string | undefined): string | undefined {
  return pin === PIN_FROM_CONFIG ? script.settings?.settings.nixpkgs : pin;
}

/** The --fix flags, checked: --dry-run and --nixpkgs-pin mean something only with --fix. */
export function fixFlags(o: { fix?: boolean; dryRun?: boolean; nixpkgsPin?: string; format?: string }): FixOptions {
  if (o.fix !== true) throw new UsageError(`${o.dryRun ? '--dry-run' : '--nixpkgs-pin'} is used only with --fix`, 'add --fix');
  // The diff goes to stdout, where a JSON or SARIF document (or annotations) is expected.
  if (o.dryRun === true && o.format !== undefined && o.format !== 'text') {
    throw new UsageError(`--dry-run prints a diff, not --format ${o.format}: give one of them`, `preview with nixpod check --fix --dry-run (text), then run --fix --format ${o.format} to fix and report`);
  }
  const pin = o.nixpkgsPin;
  if (pin !== undefined && !isPin(pin)) {
    throw new UsageError(`--nixpkgs-pin '${pin}' is not an http(s) URL, channel:NAME or config`, 'give a URL such as https://github.com/NixOS/nixpkgs/archive/<commit>.tar.gz (a local path would be another finding: it is not shipped as a pin)');
  }
  return { dryRun: o.dryRun === true, nixpkgsPin: pin };
}

/** What may be written as `-I nixpkgs=PIN` and pins for real: an http(s) URL, a channel, or `config`. */
function isPin(pin: string): boolean {
  if (pin === PIN_FROM_CONFIG || /^channel:[A-Za-z0-9][A-Za-z0-9._-]*$/.test(pin)) return true;
  if (/\s/.test(pin)) return false;
  try {
    const u = new URL(pin);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  } catch {
    return false;
  }
}
