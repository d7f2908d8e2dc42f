import { checkScript, type CheckedScript } from '../../core/check/script.js';
import { compareDiagnostics, type Diagnostic } from '../../core/diagnostic.js';
import { checkNameCollisions } from '../../core/render/plan.js';
import { join } from 'node:path';
import { resolveRefs } from '../../io/bundle.js';
import { collectScripts } from '../../io/scan.js';

export interface CheckRun {
  scripts: CheckedScript[];
  skipped: number;
  diagnostics: Diagnostic[];
}

/** Read and check every script under `paths`: the shared first step of check and render. */
export async function loadAndCheck(paths: readonly string[], cwd: string): Promise<CheckRun> {
  const inputs = await collectScripts(paths, cwd);
  // Scripts that name local files are checked again once those are found (a fifth of real scripts).
  const checked = inputs.map((input) => {
    const c = checkScript(input);
    if (c.skipped || c.localRefs.length === 0 || input.dir === undefined) return c;
    return checkScript({ ...input, resolved: resolveRefs(join(input.dir, c.fileName), c.localRefs) });
  });
  const scripts = checked.filter((s) => !s.skipped);
  const diagnostics = [...scripts.flatMap((s) => s.diagnostics), ...checkNameCollisions(scripts)].sort(compareDiagnostics);
  return { scripts, skipped: checked.length - scripts.length, diagnostics };
}
