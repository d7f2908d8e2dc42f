import { finding, type Diagnostic } from '../diagnostic.js';
import type { ShebangModel } from '../shebang/parse.js';
import type { Word } from '../shebang/shellwords.js';
import type { Resolution } from './resolve.js';
import { resourceProblems } from './resource-rules.js';
import type { Origin } from './types.js';

// What `nix-shell --pure` keeps without --keep (nix-build.cc), and what the Pod has without any setting.
const PURE_KEEPS = new Set(['HOME', 'USER', 'LOGNAME', 'DISPLAY', 'WAYLAND_DISPLAY', 'WAYLAND_SOCKET', 'PATH', 'TERM', 'IN_NIX_SHELL', 'NIX_SHELL_PRESERVE_PROMPT', 'TZ', 'PAGER', 'NIX_BUILD_SHELL', 'SHLVL', 'XDG_RUNTIME_DIR', ...['http_proxy', 'https_proxy', 'ftp_proxy', 'all_proxy', 'no_proxy'].flatMap((p) => [p, p.toUpperCase()])]);
const POD_SETS = /^(HOSTNAME|HOME|PATH|USER|NIX_PATH|NIX_CONFIG|NIX_SSL_CERT_FILE|SSL_CERT_FILE|KUBERNETES_[A-Z0-9_]+)$/;
const CREDENTIAL = /PASSWORD|PASSWD|TOKEN|SECRET|KEY/i;

/** The checks only nixpod can make: the script's `#! nix-shell` lines meet the Pod its settings describe. */
export function checkSettings(path: string, model: ShebangModel, r: Resolution): Diagnostic[] {
  const s = r.resolved.settings;
  const o = r.resolved.origins;
  const out: Diagnostic[] = [];
  const push: Push = (origin, severity, rule, message, hint) => {
    const where = origin ?? origin0(path);
    out.push({ path: where.path, ...finding(where, severity, rule, message, hint) });
  };
  const script = origin0(path);
  const forScript = (o2: Origin | undefined): string => (o2 && o2.path !== path ? ` (for ${path})` : '');
  const keep = new Set(model.args.keep);
  const pure = model.args.pure;
  for (const e of s.env) {
    const eAt = r.envAt[e.name];
    if (pure && !keep.has(e.name) && !PURE_KEEPS.has(e.name)) {
      push(eAt, 'error', 'pure-drops-env', `${e.name} is set for the Pod, but the script runs with nix-shell --pure, which erases it before the script starts${forScript(eAt)}`, `add a line to ${path}: #! nix-shell --keep ${e.name}`);
    }
    if (e.value !== undefined && e.value !== '' && CREDENTIAL.test(e.name)) {
      push(eAt, 'warning', 'literal-credential', `${e.name} looks like a credential, but its value is written in the clear (ConfigMaps and Pod specs are not secret)${forScript(eAt)}`, `store it in a Secret and use {name: ${e.name}, secretKeyRef: {name: SECRET, key: KEY}} (on a #! nixpod line: secret-env=${e.name}:SECRET/KEY)`);
    }
  }
  if (pure && s.envFrom.length > 0) {
    push(o.envFrom, 'warning', 'pure-env-from', `envFrom sets variables nixpod cannot name, and the script runs with nix-shell --pure: only the --keep ones reach it${forScript(o.envFrom)}`, 'list each variable the script needs with #! nix-shell --keep NAME');
  }
  if (s.envFrom.length === 0) {
    for (const name of keep) {
      if (s.env.some((e) => e.name === name) || PURE_KEEPS.has(name) || POD_SETS.test(name)) continue;
      const w = keepWord(model.args.keep.length > 0 ? model : undefined, name);
      push(w ? { path, line: w.line, col: w.col } : script, 'warning', 'keep-unset', `--keep ${name}: nothing in the Pod sets ${name}`, `set it in nixpod.yaml (env:) or on a line: #! nixpod env=${name}=VALUE (or secret-env=${name}:SECRET/KEY)`);
    }
  }
  workloadChecks(path, r, push);
  return out;
}

type Push = (o: Origin | undefined, sev: 'error' | 'warning', rule: string, msg: string, hint?: string) => void;

/** A CronJob needs a schedule; resources the API server refuses (see resource-rules.ts). */
function workloadChecks(path: string, r: Resolution, push: Push): void {
  const s = r.resolved.settings;
  const o = r.resolved.origins;
  if (s.kind === 'cronjob' && s.schedule === undefined) {
    push(o.kind, 'error', 'missing-schedule', `${path} runs as a CronJob, but it has no schedule`, 'add schedule="0 3 * * *" to its #! nixpod line, or schedule: to nixpod.yaml');
  }
  if (s.schedule !== undefined && /^(?:CRON_)?TZ=/.test(s.schedule)) {
    const tzSet = s.timeZone !== undefined;
    push(o.schedule, tzSet ? 'error' : 'warning', 'bad-cron', tzSet ? 'the schedule names a time zone (TZ=…) and timeZone is set too: Kubernetes refuses both' : 'a TZ= prefix in the schedule is not supported by Kubernetes', 'remove TZ=… from the schedule and set timeZone');
  }
  for (const p of resourceProblems(s.resources ?? {})) push(o.resources, 'error', p.rule, p.message, p.hint);
}

function origin0(path: string): Origin {
  return { path, line: 1, col: 1 };
}

/** The word after the `--keep` that named `name`. */
function keepWord(model: ShebangModel | undefined, name: string): Word | undefined {
  const words = model?.words ?? [];
  for (let i = 0; i + 1 < words.length; i++) if (words[i]?.value === '--keep' && words[i + 1]?.value === name) return words[i + 1];
  return undefined;
}
