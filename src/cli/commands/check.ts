import { compareDiagnostics, countBySeverity, type Diagnostic } from '../../core/diagnostic.js';
import { appendTo } from '../../core/group.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { summarizeShebang } from '../../core/shebang/parse.js';
import { RootFinder } from '../../io/scan.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatGithub, formatSummary, formatText, type DiagnosticFormat } from '../reporter.js';
import { loadAndCheck, type CheckRun } from './load.js';
import type { PackageCheckOptions } from './packages.js';

export interface CheckOptions {
  paths: string[];
  format: DiagnosticFormat;
  /** Also check that the packages exist (--nix, --package-index). */
  packages?: PackageCheckOptions | undefined;
  /** --config FILE (see load.ts). */
  config?: string | undefined;
  /** nixpod's version (for --format sarif). */
  version?: string | undefined;
  /** --quiet: text and github output leave warnings out (json, for programs, keeps every finding). */
  quiet?: boolean | undefined;
  /** --skip-non-scripts (see load.ts). */
  skipNonScripts?: boolean | undefined;
  /** --nix-version: the Nix the Pods run (see load.ts). */
  nixVersion?: string | undefined;
}

export async function runCheck(opts: CheckOptions, io: CliIo): Promise<number> {
  let run = await loadAndCheck(opts.paths, io.cwd, { config: opts.config, skipNonScripts: opts.skipNonScripts, nixVersion: opts.nixVersion });
  if (opts.packages) {
    // Loaded only here, as SARIF below: a plain check initialises neither (start-up counts in editors and hooks).
    const { checkPackagesExist } = await import('./packages.js');
    const found = await checkPackagesExist(run.scripts, opts.packages, io);
    run = { ...run, diagnostics: [...run.diagnostics, ...found].sort(compareDiagnostics) };
  }
  if (opts.format === 'json') io.stdout(JSON.stringify(checkReport(run), null, 2) + '\n');
  else if (opts.format === 'github') io.stdout(formatGithub(shown(run.diagnostics, opts.quiet)));
  else if (opts.format === 'sarif') io.stdout((await import('../sarif.js')).formatSarif(shown(run.diagnostics, opts.quiet), sarifContext(run, io.cwd, opts.version ?? '0.0.0')));
  else {
    io.stdout(formatText(shown(run.diagnostics, opts.quiet)));
    io.stderr(formatSummary(run.diagnostics, run.scripts.length, run.skips));
  }
  return countBySeverity(run.diagnostics).errors > 0 ? EXIT.problems : EXIT.ok;
}

const shown = (ds: Diagnostic[], quiet: boolean | undefined): Diagnostic[] => (quiet ? ds.filter((d) => d.severity !== 'warning') : ds);

export function checkReport(run: CheckRun): object {
  const byPath = new Map<string, Diagnostic[]>();
  for (const d of run.diagnostics) appendTo(byPath, d.path, d);
  return {
    scripts: run.scripts.map((s) => ({ path: s.path, shebang: summarizeShebang(s.model), diagnostics: byPath.get(s.path) ?? [] })),
    summary: { ...countBySeverity(run.diagnostics), skipped: run.skipped },
  };
}

/** SARIF locates files from the repository root; the scripts' text is at hand, other files (nixpod.yaml) are read again. */
function sarifContext(run: CheckRun, cwd: string, version: string) {
  // A script's text is decoded when asked for (see core/check/memo.ts): only for the files that have findings.
  const scripts = new Map(run.scripts.map((s) => [s.path, s]));
  const textOf = (path: string): string | undefined => {
    const s = scripts.get(path);
    if (s !== undefined) return s.text ?? undefined;
    try {
      return readFileSync(resolve(cwd, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  return { cwd, root: new RootFinder().rootOf(cwd) ?? cwd, version, textOf };
}
