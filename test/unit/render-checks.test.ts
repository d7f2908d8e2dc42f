import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript, type CheckedScript } from '../../src/core/check/script.js';
import { finding, withPath, type Diagnostic, type Severity } from '../../src/core/diagnostic.js';
import { checkRendering } from '../../src/core/render/checks.js';
import { dataLayout } from '../../src/core/render/context.js';
import { HASH_LENGTH, isDataKey, isDnsLabel, isItemPath, isLabelValue, scriptBase } from '../../src/core/render/names.js';
import { checkNameCollisions, checkNameRules, checkNames } from '../../src/core/render/plan.js';
import { effectiveSettings, MANAGED_BY, nixEnv, pinsNixpkgs, type RenderOptions } from '../../src/core/render/settings-context.js';
import { checkRuntime } from '../../src/core/runtime/checks.js';
import { summarizeShebang } from '../../src/core/shebang/parse.js';
import type { ResolvedSettings, Settings } from '../../src/core/settings/types.js';
import { script } from '../helpers/cli.js';
import { pick, rng } from '../helpers/random.js';
import { resolved } from '../helpers/settings.js';

/** The reference: checkRendering as it was, every script's settings worked out on their own. */
function referenceCheckRendering(scripts: readonly CheckedScript[], opts: RenderOptions): Diagnostic[] {
  const out = new Map<string, Diagnostic>();
  for (const s of scripts) if (!s.skipped) for (const d of referenceOne(s, opts)) out.set(JSON.stringify(d), d);
  return [...out.values()];
}

function referenceOne(script: CheckedScript, opts: RenderOptions): Diagnostic[] {
  const s = effectiveSettings(script.settings, opts);
  const origins = script.settings?.origins ?? {};
  const out: Diagnostic[] = [];
  const report = (key: keyof Settings | null, severity: Severity, rule: string, message: string, hint: string): void => {
    const at = (key === null ? undefined : origins[key]) ?? { path: script.path, line: 1, col: 1 };
    out.push({ path: at.path, line: at.line, col: at.col, severity, rule, message: message + (at.path === script.path ? '' : ` (for ${script.path})`), hint });
  };
  if (s.kind === 'cronjob' && s.schedule === undefined && script.settings?.settings.kind !== 'cronjob') report(null, 'error', 'missing-schedule', 'a cronjob needs a schedule, and none is set (--kind cronjob)', 'add a line: #! nixpod schedule="0 3 * * *" (or set schedule: in nixpod.yaml)');
  const sh = s.env.length > 0 ? summarizeShebang(script.model) : undefined;
  for (const v of sh ? nixEnv(s, pinsNixpkgs(sh.nixPath), sh.dialect === 'nix') : []) {
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
  for (const k of Object.keys(s.labels)) if (Object.hasOwn(own, k) && s.labels[k] !== own[k]) report('labels', 'warning', 'own-label', `label ${k} is nixpod's own: its value stays ${JSON.stringify(own[k])}`, `remove ${k} from labels`);
  for (const k of Object.keys(s.annotations)) if (['nixpod.dev/source', 'nixpod.dev/interpreter', 'nixpod.dev/packages'].includes(k)) report('annotations', 'warning', 'own-annotation', `annotation ${k} is nixpod's own: nixpod's value is kept`, `remove ${k} from annotations`);
  return out;
}

const HEADERS = ['#! nix-shell -i bash -p jq', '#! nix-shell -i bash -p jq\n#! nix-shell -I nixpkgs=https://x/y.tar.gz', '#!/usr/bin/env nix\n#! nix shell nixpkgs#jq --command bash'];
const NAMES = ['a.sh', 'b.sh', 'job.sh', 'Deploy Prod.sh'];

/** Settings that give every finding checkRendering knows, set at a config file's line or at none. */
function randomSettings(r: () => number): ResolvedSettings {
  const over: Partial<Settings> = {};
  if (r() < 0.4) over.kind = pick(r, ['pod', 'job', 'cronjob'] as const);
  if (r() < 0.3) over.schedule = '@daily';
  if (r() < 0.4) over.env = [{ name: pick(r, ['NIX_PATH', 'NIX_CONFIG', 'X']), value: 'v' }];
  if (r() < 0.4) over.nixpkgs = 'https://n/p.tar.gz';
  if (r() < 0.4) over.nixConfig = pick(r, [{ substituters: 'a b' }, { 'bad key': 'v' }, { k: 'a\nb' }]);
  if (r() < 0.4) over.labels = pick(r, [{ team: 'a' }, { 'app.kubernetes.io/name': 'a-sh' }, { 'nixpod.dev/script': 'other', [MANAGED_BY]: 'nixpod' }]);
  if (r() < 0.3) over.annotations = { 'nixpod.dev/source': 'x', note: 'y' };
  if (r() < 0.2) over.runtime = pick(r, ['nixery', 'image'] as const);
  if (r() < 0.2) over.image = 'img:1';
  const origins: ResolvedSettings['origins'] = {};
  for (const k of Object.keys(over) as (keyof Settings)[]) if (r() < 0.7) origins[k] = { path: pick(r, ['nixpod.yaml', 'sub/nixpod.yaml']), line: 1 + Math.floor(r() * 9), col: 3 };
  return resolved(over, origins);
}

describe('checkRendering, its findings worked out once per settings object', () => {
  const SEED = Number(process.env.NIXPOD_SEED ?? 20261129);
  it(`200 random runs of 30 scripts sharing settings objects: the same findings in the same order as the reference (seed ${SEED})`, () => {
    const r = rng(SEED);
    let found = 0;
    const rules = new Set<string>();
    for (let run = 0; run < 200; run++) {
      const settings = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomSettings(r));
      const scripts = Array.from({ length: 30 }, (_, i) => {
        const c = checkScript({ path: `d${i % 3}/${pick(r, NAMES)}`, bytes: new TextEncoder().encode(script(pick(r, HEADERS), 'echo\n')), explicit: true });
        return r() < 0.1 ? c : { ...c, settings: pick(r, settings) };
      });
      const opts: RenderOptions = { namespace: null, ...(r() < 0.3 ? { kind: pick(r, ['pod', 'cronjob'] as const) } : {}), ...(r() < 0.2 ? { runtime: { runtime: 'nixery' as const, nixery: 'nixery.dev' } } : {}) };
      const got = checkRendering(scripts, opts);
      assert.deepEqual(got, referenceCheckRendering(scripts, opts), `run ${run}`);
      found += got.length;
      for (const d of got) rules.add(d.rule);
    }
    assert.ok(found > 1000, `${found} findings compared`);
    for (const rule of ['missing-schedule', 'env-clash', 'bad-nix-config', 'own-label', 'own-annotation', 'runtime-ignores-nix-config']) assert.ok(rules.has(rule), `${rule} among ${[...rules].join(', ')}`);
  });
});

/** The references: the name checks as they were, one list per base and dataLayout for every script. */
function referenceCollisions(scripts: readonly CheckedScript[]): Diagnostic[] {
  const byBase = new Map<string, CheckedScript[]>();
  for (const s of scripts) if (!s.skipped) byBase.set(scriptBase(s.fileName, s.settings?.settings), [...(byBase.get(scriptBase(s.fileName, s.settings?.settings)) ?? []), s]);
  const out: Diagnostic[] = [];
  for (const [base, group] of byBase) {
    if (group.length < 2) continue;
    for (const s of group) out.push(...withPath(s.path, [finding({ line: 1, col: 1 }, 'error', 'duplicate-name', `base name '${base}' (used for labels, the -o DIR file name and a CronJob's name) is also produced by ${group.filter((o) => o !== s).map((o) => o.path).join(', ')}`, 'give one folder a nixpod.yaml with defaults: {namePrefix: prod-}, or one script a #! nixpod name=… line')]));
  }
  return out;
}

function referenceNameRules(scripts: readonly CheckedScript[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of scripts) {
    const problems: string[] = [];
    const base = scriptBase(s.fileName, s.settings?.settings);
    if (!isDnsLabel(`${base}-${'0'.repeat(HASH_LENGTH)}`)) problems.push(`the object name '${base}-…' is not a DNS-1123 label`);
    if (!isLabelValue(base)) problems.push(`the label value '${base}' is not valid`);
    const { keys, paths } = dataLayout(s);
    for (const k of keys) if (!isDataKey(k)) problems.push(`the ConfigMap key '${k}' is not valid`);
    for (const p of paths ?? []) if (!isItemPath(p)) problems.push(`the volume path '${p}' is not valid (it must not start with '..')`);
    for (const p of problems) out.push(...withPath(s.path, [finding({ line: 1, col: 1 }, 'error', 'invalid-name', `${p}: Kubernetes would refuse it`, 'rename the file (letters, digits, -, _ and .; not starting with ..), or set name= on a #! nixpod line')]));
  }
  return out;
}

describe('the name checks without per-script lists', () => {
  const SEED = Number(process.env.NIXPOD_SEED ?? 20261129);
  it(`300 random runs with colliding and invalid names: the same findings in the same order as the reference (seed ${SEED})`, () => {
    const r = rng(SEED);
    const names = ['a.sh', 'b.sh', 'A.sh', 'a_b.sh', 'x'.repeat(300), '..x.sh', 'ok.sh', '-.sh', '中文.sh'];
    const prefixes = [undefined, 'p-', 'P_', 'x'.repeat(60)];
    let found = 0;
    for (let run = 0; run < 300; run++) {
      const scripts = Array.from({ length: 1 + Math.floor(r() * 12) }, (_, i) => {
        const c = checkScript({ path: `d${i % 4}/${pick(r, names)}`, bytes: new TextEncoder().encode(script(pick(r, HEADERS), 'echo\n')), explicit: true });
        const prefix = pick(r, prefixes);
        return prefix === undefined && r() < 0.5 ? c : { ...c, settings: resolved({ ...(prefix ? { namePrefix: prefix } : {}), ...(r() < 0.2 ? { name: pick(r, ['same', 'Bad Name', '']) } : {}) }) };
      });
      const got = [...checkNameCollisions(scripts), ...checkNameRules(scripts)];
      assert.deepEqual(got, [...referenceCollisions(scripts), ...referenceNameRules(scripts)], `run ${run}`);
      assert.deepEqual(checkNames(scripts), got, `run ${run}: checkNames`);
      found += got.length;
    }
    assert.ok(found > 300, `${found} findings compared`);
  });
});
