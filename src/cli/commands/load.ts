import { checkScript, type CheckedScript } from '../../core/check/script.js';
import { compareDiagnostics, type Diagnostic } from '../../core/diagnostic.js';
import { checkNameCollisions } from '../../core/render/plan.js';
import { collectScripts } from '../../io/scan.js';

export interface CheckRun {
  scripts: CheckedScript[];
  skipped: number;
  diagnostics: Diagnostic[];
}

/** Read and check every script under `paths`: the shared first step of check and render. */
export async function loadAndCheck(paths: readonly string[], cwd: string): Promise<CheckRun> {
  const inputs = await collectScripts(paths, cwd);
  const checked = inputs.map(checkScript);
  const scripts = checked.filter((s) => !s.skipped);
  const diagnostics = [...scripts.flatMap((s) => s.diagnostics), ...checkNameCollisions(scripts)].sort(compareDiagnostics);
  return { scripts, skipped: checked.length - scripts.length, diagnostics };
}
