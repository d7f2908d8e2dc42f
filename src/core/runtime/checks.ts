import type { CheckedScript } from '../check/script.js';
import { withPath, type Diagnostic, type Severity } from '../diagnostic.js';
import type { Settings } from '../settings/types.js';
import { runtimeFacts } from './plan.js';

/**
 * What the runtime setting makes of a script, before rendering: the runtime's
 * own findings (at the script's words), a missing `nixery`/`registry`, and
 * settings that no longer mean anything without nix-shell in the Pod (at the
 * line that set them).
 */
export function checkRuntime(script: CheckedScript, s: Settings): Diagnostic[] {
  const runtime = s.runtime ?? 'nix-shell';
  if (runtime === 'nix-shell') return [];
  const origins = script.settings?.origins ?? {};
  const out: Diagnostic[] = [];
  const report = (key: keyof Settings, severity: Severity, rule: string, message: string, hint: string): void => {
    const at = origins[key] ?? origins.runtime ?? { path: script.path, line: 1, col: 1 };
    const about = at.path === script.path ? '' : ` (for ${script.path})`;
    out.push({ path: at.path, line: at.line, col: at.col, severity, rule, message: message + about, hint });
  };
  if (runtime === 'nixery' && s.nixery === undefined) report('runtime', 'error', 'missing-nixery', 'runtime nixery needs the Nixery registry, and none is set', 'set nixery: HOST in nixpod.yaml (e.g. nixery.dev), or pass --runtime nixery=HOST');
  if (runtime === 'image' && s.registry === undefined) report('runtime', 'error', 'missing-registry', 'runtime image needs the repository the images are pushed to, and none is set', 'set registry: REPO in nixpod.yaml (e.g. ghcr.io/acme/scripts), or pass --runtime image=REPO');
  if (origins.image !== undefined) report('image', 'warning', 'runtime-ignores-image', `image is not used with runtime ${runtime}: the ${runtime === 'nixery' ? 'Nixery' : 'prebuilt'} image replaces it`, 'remove image, or use runtime nix-shell');
  if (Object.keys(s.nixConfig).length > 0) report('nixConfig', 'warning', 'runtime-ignores-nix-config', `nixConfig is not used with runtime ${runtime}: no Nix runs in the Pod`, runtime === 'image' ? 'give the substituters to the nix-build that builds the image' : 'configure the Nixery server instead');
  out.push(...withPath(script.path, runtimeFacts(script, s, '').findings));
  return out;
}
