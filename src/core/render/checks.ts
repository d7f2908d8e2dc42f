import type { CheckedScript } from '../check/script.js';
import type { Diagnostic, Severity } from '../diagnostic.js';
import { summarizeShebang } from '../shebang/parse.js';
import type { Settings } from '../settings/types.js';
import { checkRuntime } from '../runtime/checks.js';
import { scriptBase } from './names.js';
import { effectiveSettings, MANAGED_BY, nixEnv, pinsNixpkgs, type RenderOptions } from './settings-context.js';

/** The annotation keys nixpod writes itself (see context.ts). */
const OWN_ANNOTATIONS = ['nixpod.dev/source', 'nixpod.dev/interpreter', 'nixpod.dev/packages'];

/**
 * What only rendering can judge, once the flags are applied to each script's
 * settings: a cronjob without a schedule, an env var that clashes with the Nix
 * variables nixpod sets, a Nix setting that would not stay one line, and
 * labels or annotations that nixpod's own keys override. Reported at the line
 * that set the value (settings.origins), else at the script's first line.
 */
export function checkRendering(scripts: readonly CheckedScript[], opts: RenderOptions): Diagnostic[] {
  const out = new Map<string, Diagnostic>();
  for (const script of scripts) {
    if (script.skipped) continue;
    for (const d of checkOne(script, opts)) out.set(JSON.stringify(d), d);
  }
  return [...out.values()];
}

function checkOne(script: CheckedScript, opts: RenderOptions): Diagnostic[] {
  const s = effectiveSettings(script.settings, opts);
  const origins = script.settings?.origins ?? {};
  const out: Diagnostic[] = [];
  const report = (key: keyof Settings | null, severity: Severity, rule: string, message: string, hint: string): void => {
    const o = key === null ? undefined : origins[key];
    const at = o ?? { path: script.path, line: 1, col: 1 };
    // Said at a config file's line, the message names the script it is about.
    const about = at.path === script.path ? '' : ` (for ${script.path})`;
    out.push({ path: at.path, line: at.line, col: at.col, severity, rule, message: message + about, hint });
  };
  // A cronjob by its settings without a schedule is the settings checks' finding (core/settings/checks.ts); here only one made so by --kind.
  if (s.kind === 'cronjob' && s.schedule === undefined && script.settings?.settings.kind !== 'cronjob') {
    report(null, 'error', 'missing-schedule', 'a cronjob needs a schedule, and none is set (--kind cronjob)', 'add a line: #! nixpod schedule="0 3 * * *" (or set schedule: in nixpod.yaml)');
  }
  const sh = s.env.length > 0 ? summarizeShebang(script.model) : undefined;
  const nix = sh ? nixEnv(s, pinsNixpkgs(sh.nixPath), sh.dialect === 'nix') : [];
  for (const v of nix) {
    if (!s.env.some((e) => e.name === v.name)) continue;
    const setting = v.name === 'NIX_PATH' ? 'nixpkgs' : 'nixConfig';
    report('env', 'error', 'env-clash', `env ${v.name} is also set by nixpod, from the ${setting} setting`, `remove ${v.name} from env, or unset ${setting}`);
  }
  for (const [k, v] of Object.entries(s.nixConfig)) {
    if (k === '' || /[=\s]/.test(k) || /[\r\n]/.test(v)) report('nixConfig', 'error', 'bad-nix-config', `nixConfig ${JSON.stringify(k)}: a Nix setting is one line, key = value`, 'give one value per key, without line breaks (lists are space-separated)');
  }
  out.push(...checkRuntime(script, s));
  const base = scriptBase(script.fileName, script.settings?.settings);
  const own: Record<string, string> = { 'app.kubernetes.io/name': base, [MANAGED_BY]: 'nixpod', 'nixpod.dev/script': base };
  for (const k of Object.keys(s.labels)) {
    if (Object.hasOwn(own, k) && s.labels[k] !== own[k]) report('labels', 'warning', 'own-label', `label ${k} is nixpod's own: its value stays ${JSON.stringify(own[k])}`, `remove ${k} from labels`);
  }
  for (const k of Object.keys(s.annotations)) {
    if (OWN_ANNOTATIONS.includes(k)) report('annotations', 'warning', 'own-annotation', `annotation ${k} is nixpod's own: nixpod's value is kept`, `remove ${k} from annotations`);
  }
  return out;
}
