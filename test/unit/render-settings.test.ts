import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { checkRendering } from '../../src/core/render/checks.js';
import { createRenderer, type Manifest } from '../../src/core/render/manifests.js';
import type { RenderOptions } from '../../src/core/render/context.js';
import { compileTemplates, type CompiledTemplates, type TemplateSource } from '../../src/core/render/templates.js';
import type { Settings } from '../../src/core/settings/types.js';
import { loadTemplates } from '../../src/io/templates.js';
import { ROOT, script } from '../helpers/cli.js';
import { checked, RICH, withSettings } from '../helpers/settings.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let builtin: TemplateSource[];
let templates: CompiledTemplates;
before(async () => {
  builtin = await loadTemplates(undefined, ROOT);
  templates = compileTemplates(builtin);
});

const UNPINNED = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\necho hi\n';
const plain = checked('dir/backup.sh', script('#! nix-shell -i bash -p jq'));
const unpinned = checked('dir/backup.sh', UNPINNED);

function render(over: Partial<Settings> | undefined, opts: Partial<RenderOptions> = {}, s = plain, t = templates) {
  const r = createRenderer({ namespace: null, ...opts }, t)(withSettings(s, over));
  const [cm, w] = r.objects() as [Obj, Obj];
  return { r, cm, w };
}
const podSpec = (w: Obj): Obj => (w.kind === 'Pod' ? w.spec : w.kind === 'Job' ? w.spec.template.spec : w.spec.jobTemplate.spec.template.spec);
const container = (w: Obj): Obj => podSpec(w).containers[0];

describe('rendering with settings', () => {
  it('without settings, the Pod is the bare Pod it was: no token, no env, no extras', () => {
    const a = render(undefined);
    const b = render({});
    assert.equal(a.r.yaml(), b.r.yaml(), 'undefined settings are DEFAULT_SETTINGS');
    assert.equal(a.r.kind, 'pod');
    assert.deepEqual(Object.keys(a.w.spec), ['restartPolicy', 'automountServiceAccountToken', 'containers', 'volumes']);
    assert.equal(a.w.spec.automountServiceAccountToken, false);
    assert.deepEqual(Object.keys(container(a.w)), ['name', 'image', 'command', 'volumeMounts']);
    assert.equal(container(a.w).image, 'nixos/nix:2.29.0');
  });

  it('flags win over settings: -n, --image, --kind', () => {
    const set = { namespace: 'from-settings', image: 'settings/img:1', kind: 'job' as const };
    const bySettings = render(set);
    assert.equal(bySettings.w.kind, 'Job');
    assert.equal(bySettings.w.metadata.namespace, 'from-settings');
    assert.equal(container(bySettings.w).image, 'settings/img:1');
    const byFlags = render(set, { namespace: 'flag-ns', image: 'flag/img:2', kind: 'pod' });
    assert.equal(byFlags.w.kind, 'Pod');
    assert.equal(byFlags.r.kind, 'pod');
    assert.equal(byFlags.w.metadata.namespace, 'flag-ns');
    assert.equal(byFlags.cm.metadata.namespace, 'flag-ns');
    assert.equal(container(byFlags.w).image, 'flag/img:2');
  });

  it('labels and annotations from settings go on every object; nixpod\'s own keys win, with a warning', () => {
    const over = { labels: { team: 'data', 'nixpod.dev/script': 'mine' }, annotations: { owner: 'me', 'nixpod.dev/source': 'x' } };
    for (const kind of ['pod', 'job', 'cronjob'] as const) {
      const { cm, w } = render({ ...over, kind, schedule: '@daily' });
      for (const o of [cm, w]) {
        assert.deepEqual(o.metadata.labels, { 'app.kubernetes.io/name': 'backup-sh', 'app.kubernetes.io/managed-by': 'nixpod', 'nixpod.dev/script': 'backup-sh', team: 'data' });
        assert.equal(o.metadata.annotations.owner, 'me');
        assert.equal(o.metadata.annotations['nixpod.dev/source'], 'dir/backup.sh');
      }
    }
    const s = withSettings(plain, over, { labels: { path: 'nixpod.yaml', line: 4, col: 3 } });
    const d = checkRendering([s], { namespace: null });
    assert.deepEqual(d.map((x) => [x.path, x.line, x.severity, x.rule]), [['nixpod.yaml', 4, 'warning', 'own-label'], ['dir/backup.sh', 1, 'warning', 'own-annotation']]);
    assert.match(d[0]?.message ?? '', /nixpod\.dev\/script is nixpod's own: its value stays "backup-sh" \(for dir\/backup\.sh\)/);
  });

  it('a service account is opt-in: named, the token is mounted; not named, it stays off', () => {
    const on = render({ serviceAccountName: 'reporter' });
    assert.equal(on.w.spec.serviceAccountName, 'reporter');
    assert.equal(on.w.spec.automountServiceAccountToken, true);
    const off = render({});
    assert.equal(off.w.spec.serviceAccountName, undefined);
    assert.equal(off.w.spec.automountServiceAccountToken, false);
  });

  it('every Pod-level setting lands where Kubernetes reads it, for every kind', () => {
    for (const kind of ['pod', 'job', 'cronjob'] as const) {
      const { w } = render({ ...RICH, kind });
      const spec = podSpec(w);
      const c = container(w);
      assert.deepEqual(c.env.map((e: Obj) => e.name), ['NIX_CONFIG', 'BUCKET', 'PGPASSWORD', 'POD'], 'the script pins nixpkgs itself: no NIX_PATH');
      assert.deepEqual(c.envFrom, RICH.envFrom);
      assert.deepEqual(c.args, RICH.args);
      assert.deepEqual(c.resources, RICH.resources);
      assert.deepEqual(c.securityContext, RICH.securityContext);
      assert.deepEqual(spec.securityContext, RICH.podSecurityContext);
      assert.deepEqual(spec.imagePullSecrets, [{ name: 'regcred' }]);
      assert.deepEqual(spec.nodeSelector, RICH.nodeSelector);
      assert.deepEqual(spec.tolerations, RICH.tolerations);
      assert.deepEqual(spec.affinity, RICH.affinity);
      assert.equal(spec.priorityClassName, 'low');
      assert.equal(spec.restartPolicy, 'Never');
      // The deadline: the Pod's own, else the Job's (it then covers every retry).
      if (kind === 'pod') assert.equal(spec.activeDeadlineSeconds, 3600);
      else assert.equal(spec.activeDeadlineSeconds, undefined);
    }
  });
});

describe('Nix in the Pod', () => {
  it('nixpkgs becomes NIX_PATH unless the script pins its own; nixConfig becomes NIX_CONFIG, sorted, $ kept literal', () => {
    const over = { nixpkgs: 'channel:nixos-24.11', nixConfig: { substituters: 'https://c.example/$(X) https://cache.nixos.org', 'max-jobs': '4' } };
    const { w } = render(over, {}, unpinned);
    assert.deepEqual(container(w).env, [
      { name: 'NIX_PATH', value: 'nixpkgs=channel:nixos-24.11' },
      { name: 'NIX_CONFIG', value: 'max-jobs = 4\nsubstituters = https://c.example/$$(X) https://cache.nixos.org' },
    ]);
    assert.deepEqual(container(render(over).w).env.map((e: Obj) => e.name), ['NIX_CONFIG'], 'the script\'s -I nixpkgs=… wins');
  });

  it('an env var that clashes with NIX_PATH or NIX_CONFIG is an error at the env setting\'s line', () => {
    const over = { nixpkgs: 'channel:nixos-24.11', nixConfig: { 'max-jobs': '4' }, env: [{ name: 'NIX_PATH', value: 'x' }, { name: 'NIX_CONFIG', value: 'y' }] };
    const d = checkRendering([withSettings(unpinned, over, { env: { path: 'dir/backup.sh', line: 3, col: 10 } })], { namespace: null });
    assert.deepEqual(d.map((x) => [x.line, x.col, x.severity, x.rule]), [[3, 10, 'error', 'env-clash'], [3, 10, 'error', 'env-clash']]);
    assert.match(d[0]?.message ?? '', /NIX_PATH is also set by nixpod, from the nixpkgs setting$/);
    // Without the setting, the user's own NIX_PATH is theirs.
    assert.deepEqual(checkRendering([withSettings(unpinned, { env: over.env })], { namespace: null }), []);
    // A pinned script gets no NIX_PATH, so its env NIX_PATH clashes with nothing.
    assert.deepEqual(checkRendering([withSettings(plain, { nixpkgs: 'x', env: [{ name: 'NIX_PATH', value: 'x' }] })], { namespace: null }), []);
  });

  it('a Nix setting that is not one line is an error', () => {
    const d = checkRendering([withSettings(plain, { nixConfig: { substituters: 'a\nexperimental-features = x' } })], { namespace: null });
    assert.deepEqual(d.map((x) => x.rule), ['bad-nix-config']);
  });
});

describe('kinds and names', () => {
  it('a Job: content-hashed name like a Pod\'s, backoffLimit 0, ttl passed through (0 too), template labels the controller owns', () => {
    const { r, cm, w } = render({ kind: 'job', ttlSecondsAfterFinished: 0, activeDeadlineSeconds: 600 });
    assert.equal(r.kind, 'job');
    assert.match(w.metadata.name, /^backup-sh-[0-9a-f]{10}$/);
    assert.equal(w.metadata.name, cm.metadata.name);
    assert.equal(r.workloadName, w.metadata.name);
    assert.deepEqual([w.apiVersion, w.kind], ['batch/v1', 'Job']);
    assert.equal(w.spec.backoffLimit, 0);
    assert.equal(w.spec.ttlSecondsAfterFinished, 0);
    assert.equal(w.spec.activeDeadlineSeconds, 600);
    assert.equal(w.spec.template.spec.volumes[0].configMap.name, cm.metadata.name);
    assert.deepEqual(w.spec.template.metadata.labels, { 'app.kubernetes.io/name': 'backup-sh', 'nixpod.dev/script': 'backup-sh' });
    assert.equal(render({ kind: 'job', backoffLimit: 3 }).w.spec.backoffLimit, 3);
    assert.equal(render({ kind: 'job' }).w.spec.ttlSecondsAfterFinished, undefined);
  });

  it('a CronJob: stable name (the base), pointing at the content-hashed ConfigMap; Forbid by default; timeZone only when set', () => {
    const a = render({ kind: 'cronjob', schedule: '0 3 * * *' });
    const b = render({ kind: 'cronjob', schedule: '0 4 * * *' });
    for (const { r, cm, w } of [a, b]) {
      assert.deepEqual([w.apiVersion, w.kind, w.metadata.name, r.workloadName], ['batch/v1', 'CronJob', 'backup-sh', 'backup-sh']);
      assert.match(cm.metadata.name, /^backup-sh-[0-9a-f]{10}$/);
      assert.equal(r.name, cm.metadata.name);
      assert.equal(podSpec(w).volumes[0].configMap.name, cm.metadata.name);
      assert.equal(w.spec.concurrencyPolicy, 'Forbid');
      assert.equal('timeZone' in w.spec, false);
      assert.equal('suspend' in w.spec, false);
      assert.equal(w.spec.jobTemplate.spec.backoffLimit, 0);
    }
    assert.notEqual(a.cm.metadata.name, b.cm.metadata.name, 'the schedule is rendered, so it is hashed');
    const full = render({ ...RICH, kind: 'cronjob' }).w.spec;
    assert.deepEqual(
      [full.schedule, full.timeZone, full.concurrencyPolicy, full.suspend, full.startingDeadlineSeconds, full.successfulJobsHistoryLimit, full.failedJobsHistoryLimit, full.jobTemplate.spec.ttlSecondsAfterFinished],
      ['0 3 * * *', 'Europe/Berlin', 'Replace', true, 0, 0, 5, 0],
    );
  });

  it('a cronjob made so by --kind without a schedule is an error at the script (by its settings: the settings checks say it, once)', () => {
    const s = withSettings(plain, { kind: 'cronjob' }, { kind: { path: 'dir/backup.sh', line: 3, col: 12 } });
    assert.deepEqual(checkRendering([s], { namespace: null }), [], 'said by core/settings/checks.ts, not twice');
    const byFlag = checkRendering([plain], { namespace: null, kind: 'cronjob' });
    assert.deepEqual(byFlag.map((d) => [d.path, d.line, d.col, d.severity]), [['dir/backup.sh', 1, 1, 'error']]);
    assert.match(byFlag[0]?.message ?? '', /--kind cronjob/);
    assert.deepEqual(checkRendering([s], { namespace: null, kind: 'job' }), [], '--kind job: no schedule needed');
  });

  it('the name\'s hash covers every setting (and the kind), not the namespace', () => {
    const base = render({}).r.name;
    assert.equal(render({ namespace: 'other' }).r.name, base);
    assert.equal(render({}, { namespace: 'flag' }).r.name, base);
    const seen = new Set([base]);
    for (const [k, v] of Object.entries(RICH) as [keyof Settings, unknown][]) {
      if (k === 'namespace' || k === 'kind') continue;
      const name = render({ [k]: v }).r.name;
      assert.ok(!seen.has(name), `${k} changes the name`);
      seen.add(name);
    }
    assert.notEqual(render({ kind: 'job' }).r.name, base);
    assert.notEqual(render({ nixpkgs: 'x' }, {}, unpinned).r.name, render({ nixpkgs: 'y' }, {}, unpinned).r.name);
  });

  it('scripts of one shape share a parsed skeleton, for every kind and with settings', () => {
    let calls = 0;
    const counting: CompiledTemplates = { ...templates, render: (...a) => (calls++, templates.render(...a)) };
    for (const kind of ['pod', 'job', 'cronjob'] as const) {
      calls = 0;
      const renderer = createRenderer({ namespace: 'ns', kind }, counting);
      for (let i = 0; i < 20; i++) renderer(withSettings(checked(`d/s${i}.sh`, script('#! nix-shell -i bash -p jq', `echo ${i}\n`)), { ...RICH, kind: 'pod' })).yaml();
      assert.equal(calls, 2, `${kind}: one skeleton render per template, not per script`);
    }
  });
});

describe('templates', () => {
  it('--templates may override the shared pod-spec partial, and every kind uses it', () => {
    const spec = builtin.find((t) => t.name === 'pod-spec') as TemplateSource;
    const custom = compileTemplates([...builtin.filter((t) => t.name !== 'pod-spec'), { ...spec, origin: 'mine/pod-spec.yaml.hbs', text: spec.text.replace('restartPolicy: Never', 'restartPolicy: Never\nhostNetwork: true') }]);
    for (const kind of ['pod', 'job', 'cronjob'] as const) assert.equal(podSpec(render({ kind, schedule: '@daily' }, {}, plain, custom).w).hostNetwork, true);
  });

  it('a Job field newer than Kubernetes 1.24 (podFailurePolicy) in a user\'s template passes through exactly, fast path and slow', () => {
    const job = builtin.find((t) => t.name === 'job') as TemplateSource;
    const policy = '  podFailurePolicy:\n    rules:\n      - action: FailJob\n        onExitCodes:\n          containerName: main\n          operator: In\n          values: [42]\n';
    const custom = compileTemplates([...builtin.filter((t) => t.name !== 'job'), { ...job, text: job.text.replace('  template:\n', `${policy}  template:\n`) }]);
    const renderer = createRenderer({ namespace: null, kind: 'job' }, custom);
    const first = renderer(plain);
    const w = first.objects()[1] as Manifest as Obj;
    assert.deepEqual(w.spec.podFailurePolicy, { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } }] });
    assert.equal(w.spec.template.spec.restartPolicy, 'Never', 'podFailurePolicy requires restartPolicy Never');
    assert.equal(renderer(plain).yaml(), first.yaml());
    assert.ok(first.yaml().includes('\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n'), first.yaml());
  });
});
