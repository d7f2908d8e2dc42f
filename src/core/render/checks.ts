import type { CheckedScript } from '../check/script.js';
import type { Diagnostic, Severity } from '../diagnostic.js';
import { summarizeShebang, type ShebangModel } from '../shebang/parse.js';
import type { ResolvedSettings, Settings } from '../settings/types.js';
import { checkRuntime } from '../runtime/checks.js';
import { scriptBase } from './names.js';
import { effectiveSettings, MANAGED_BY, nixEnv, pinsNixpkgs, type RenderOptions } from './settings-context.js';

/** The annotation keys nixpod writes itself (see context.ts). */
const OWN_ANNOTATIONS = ['nixpod.dev/source', 'nixpod.dev/interpreter', 'nixpod.dev/packages'];
const OWN_LABELS = ['app.kubernetes.io/name', MANAGED_BY, 'nixpod.dev/script'];

/** A finding before it is placed: at the line that set `key`, else at the script's first line. */
interface Report {
  key: keyof Settings | null;
  severity: Severity;
  rule: string;
  message: string;
  hint: string;
}

/** What one settings object's findings are, whichever script has them (computed once per settings object). */
interface SettingsFindings {
  s: Settings;
  origins: ResolvedSettings['origins'];
  /** missing-schedule, then env-clash (by the header's pin and dialect: see envClashes), then bad-nix-config. */
  first: Report[];
  nixConfig: Report[];
  envClashes: Map<string, Report[]>;
  /** nixpod's own label keys the settings set: whether each clashes depends on the script's base. */
  ownLabels: string[];
  annotations: Report[];
}

/**
 * What only rendering can judge, once the flags are applied to each script's
 * settings: a cronjob without a schedule, an env var that clashes with the Nix
 * variables nixpod sets, a Nix setting that would not stay one line, and
 * labels or annotations that nixpod's own keys override. Reported at the line
 * that set the value (settings.origins), else at the script's first line.
 */
export function checkRendering(scripts: readonly CheckedScript[], opts: RenderOptions): Diagnostic[] {
  const out = new Map<string, Diagnostic>();
  const bySettings = new WeakMap<object, SettingsFindings>();
  const noSettings = {};
  const headers = new WeakMap<ShebangModel, string>();
  for (const script of scripts) {
    if (script.skipped) continue;
    const key = script.settings ?? noSettings;
    let f = bySettings.get(key);
    if (!f) bySettings.set(key, (f = settingsFindings(script, opts)));
    for (const d of checkOne(script, f, headers)) out.set(JSON.stringify(d), d);
  }
  return [...out.values()];
}

function settingsFindings(script: CheckedScript, opts: RenderOptions): SettingsFindings {
  const s = effectiveSettings(script.settings, opts);
  const first: Report[] = [];
  // A cronjob by its settings without a schedule is the settings checks' finding (core/settings/checks.ts); here only one made so by --kind.
  if (s.kind === 'cronjob' && s.schedule === undefined && script.settings?.settings.kind !== 'cronjob') {
    first.push({ key: null, severity: 'error', rule: 'missing-schedule', message: 'a cronjob needs a schedule, and none is set (--kind cronjob)', hint: 'add a line: #! nixpod schedule="0 3 * * *" (or set schedule: in nixpod.yaml)' });
  }
  const nixConfig: Report[] = [];
  for (const [k, v] of Object.entries(s.nixConfig)) {
    if (k === '' || /[=\s]/.test(k) || /[\r\n]/.test(v)) nixConfig.push({ key: 'nixConfig', severity: 'error', rule: 'bad-nix-config', message: `nixConfig ${JSON.stringify(k)}: a Nix setting is one line, key = value`, hint: 'give one value per key, without line breaks (lists are space-separated)' });
  }
  const annotations: Report[] = [];
  for (const k of Object.keys(s.annotations)) {
    if (OWN_ANNOTATIONS.includes(k)) annotations.push({ key: 'annotations', severity: 'warning', rule: 'own-annotation', message: `annotation ${k} is nixpod's own: nixpod's value is kept`, hint: `remove ${k} from annotations` });
  }
  const ownLabels = Object.keys(s.labels).filter((k) => OWN_LABELS.includes(k));
  return { s, origins: script.settings?.origins ?? {}, first, nixConfig, envClashes: new Map(), ownLabels, annotations };
}

/** The env vars of the settings that nixpod's Nix variables clash with, for a header's pin and dialect. */
function envClashes(f: SettingsFindings, pinned: boolean, flakes: boolean): Report[] {
  const out: Report[] = [];
  for (const v of nixEnv(f.s, pinned, flakes)) {
    if (!f.s.env.some((e) => e.name === v.name)) continue;
    const setting = v.name === 'NIX_PATH' ? 'nixpkgs' : 'nixConfig';
    out.push({ key: 'env', severity: 'error', rule: 'env-clash', message: `env ${v.name} is also set by nixpod, from the ${setting} setting`, hint: `remove ${v.name} from env, or unset ${setting}` });
  }
  return out;
}

function checkOne(script: CheckedScript, f: SettingsFindings, headers: WeakMap<ShebangModel, string>): Diagnostic[] {
  const { s, origins } = f;
  const out: Diagnostic[] = [];
  const report = (r: Report): void => {
    const o = r.key === null ? undefined : origins[r.key];
    const at = o ?? { path: script.path, line: 1, col: 1 };
    // Said at a config file's line, the message names the script it is about.
    const about = at.path === script.path ? '' : ` (for ${script.path})`;
    out.push({ path: at.path, line: at.line, col: at.col, severity: r.severity, rule: r.rule, message: r.message + about, hint: r.hint });
  };
  f.first.forEach(report);
  if (s.env.length > 0) {
    let header = headers.get(script.model);
    if (header === undefined) {
      const sh = summarizeShebang(script.model);
      headers.set(script.model, (header = `${pinsNixpkgs(sh.nixPath) ? 'p' : ''}${sh.dialect === 'nix' ? 'f' : ''}`));
    }
    let clashes = f.envClashes.get(header);
    if (!clashes) f.envClashes.set(header, (clashes = envClashes(f, header.includes('p'), header.includes('f'))));
    clashes.forEach(report);
  }
  f.nixConfig.forEach(report);
  // Only another runtime's findings are the script's own (its words, its image): nix-shell has none.
  if ((s.runtime ?? 'nix-shell') !== 'nix-shell') out.push(...checkRuntime(script, s));
  if (f.ownLabels.length > 0) {
    const base = scriptBase(script.fileName, script.settings?.settings);
    const own: Record<string, string> = { 'app.kubernetes.io/name': base, [MANAGED_BY]: 'nixpod', 'nixpod.dev/script': base };
    for (const k of f.ownLabels) {
      if (s.labels[k] !== own[k]) report({ key: 'labels', severity: 'warning', rule: 'own-label', message: `label ${k} is nixpod's own: its value stays ${JSON.stringify(own[k])}`, hint: `remove ${k} from labels` });
    }
  }
  f.annotations.forEach(report);
  return out;
}
