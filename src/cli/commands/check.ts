import { compareDiagnostics, countBySeverity, type Diagnostic } from '../../core/diagnostic.js';
import { appendTo } from '../../core/group.js';
import { summarizeShebang } from '../../core/shebang/parse.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatGithub, formatSummary, formatText, type DiagnosticFormat } from '../reporter.js';
import { loadAndCheck, type CheckRun } from './load.js';
import { checkPackagesExist, type PackageCheckOptions } from './packages.js';

export interface CheckOptions {
  paths: string[];
  format: DiagnosticFormat;
  /** Also check that the packages exist (--nix, --package-index). */
  packages?: PackageCheckOptions | undefined;
  /** --config FILE (see load.ts). */
  config?: string | undefined;
  /** --nix-version: the Nix the Pods run (see load.ts). */
  nixVersion?: string | undefined;
}

export async function runCheck(opts: CheckOptions, io: CliIo): Promise<number> {
  let run = await loadAndCheck(opts.paths, io.cwd, { config: opts.config, nixVersion: opts.nixVersion });
  if (opts.packages) {
    const found = await checkPackagesExist(run.scripts, opts.packages, io);
    run = { ...run, diagnostics: [...run.diagnostics, ...found].sort(compareDiagnostics) };
  }
  if (opts.format === 'json') io.stdout(JSON.stringify(checkReport(run), null, 2) + '\n');
  else if (opts.format === 'github') io.stdout(formatGithub(run.diagnostics));
  else {
    io.stdout(formatText(run.diagnostics));
    io.stderr(formatSummary(run.diagnostics, run.scripts.length, run.skips));
  }
  return countBySeverity(run.diagnostics).errors > 0 ? EXIT.problems : EXIT.ok;
}

export function checkReport(run: CheckRun): object {
  const byPath = new Map<string, Diagnostic[]>();
  for (const d of run.diagnostics) appendTo(byPath, d.path, d);
  return {
    scripts: run.scripts.map((s) => ({ path: s.path, shebang: summarizeShebang(s.model), diagnostics: byPath.get(s.path) ?? [] })),
    summary: { ...countBySeverity(run.diagnostics), skipped: run.skipped },
  };
}
