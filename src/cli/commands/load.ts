import { checkScript, type CheckedScript } from '../../core/check/script.js';
import { compareDiagnostics, type Diagnostic } from '../../core/diagnostic.js';
import { checkNameCollisions, checkNameRules } from '../../core/render/plan.js';
import { join } from 'node:path';
import { resolveRefs } from '../../io/bundle.js';
import { collectScripts, type SkipCounts } from '../../io/scan.js';

export interface CheckRun {
  scripts: CheckedScript[];
  /** How many files were left out, all kinds together. */
  skipped: number;
  /** The same, by kind (see io/scan.ts): what the summary line lists. */
  skips: SkipCounts;
  diagnostics: Diagnostic[];
}

/** Read and check every script under `paths`: the shared first step of check and render. */
export async function loadAndCheck(paths: readonly string[], cwd: string): Promise<CheckRun> {
  const scan = await collectScripts(paths, cwd);
  // Scripts that name local files are checked again once those are found (a fifth of real scripts).
  const checked = scan.scripts.map((input) => {
    const c = checkScript(input);
    if (c.skipped || c.localRefs.length === 0) return c;
    return checkScript({ ...input, resolved: resolveRefs(join(input.dir, c.fileName), c.localRefs, input.root) });
  });
  const scripts = checked.filter((s) => !s.skipped);
  const noShebang = checked.length - scripts.length;
  const skips: SkipCounts = { ...(noShebang > 0 ? { 'no-shebang': noShebang } : {}), ...scan.skips };
  const skipped = Object.values(skips).reduce((n, k) => n + k, 0);
  const diagnostics = [...scripts.flatMap((s) => s.diagnostics), ...checkNameCollisions(scripts), ...checkNameRules(scripts)].sort(compareDiagnostics);
  return { scripts, skipped, skips, diagnostics };
}
