import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { createRenderer } from '../../src/core/render/manifests.js';
import { compileTemplates } from '../../src/core/render/templates.js';
import { loadTemplates } from '../../src/io/templates.js';
import { ROOT, script } from '../helpers/cli.js';
import { checked, withSettings } from '../helpers/settings.js';
import { kubectl, kubectlOk, kubeSkip, newNamespace, realKube, type RealKube } from '../helpers/real-kube.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GOLDEN = join(ROOT, 'test/fixtures/golden');

/** Every object of every golden render that succeeded: the Pods, Jobs and CronJobs nixpod prints. */
function goldenObjects(): { file: string; objects: Obj[] }[] {
  const out: { file: string; objects: Obj[] }[] = [];
  for (const fixture of readdirSync(GOLDEN)) {
    const dir = join(GOLDEN, fixture, 'expected');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      if (!text.startsWith('exit 0\n')) continue;
      const stream = text.slice('exit 0\n'.length).split('\n--- stderr\n')[0] as string;
      out.push({ file: `${fixture}/expected/${f}`, objects: parseAllDocuments(stream).map((d) => d.toJS() as Obj) });
    }
  }
  return out;
}

/** Whether `sent` is contained in `got` (the server adds defaults, never drops or changes what nixpod wrote). */
function missing(sent: unknown, got: unknown, at = ''): string[] {
  if (sent !== null && typeof sent === 'object') {
    if (got === null || typeof got !== 'object') return [at];
    if (Array.isArray(sent)) return sent.flatMap((v, i) => missing(v, (got as unknown[])[i], `${at}[${i}]`));
    return Object.entries(sent).flatMap(([k, v]) => missing(v, (got as Obj)[k], `${at}.${k}`));
  }
  return sent === got ? [] : [at];
}

describe('real kube-apiserver: every golden Pod, Job and CronJob', { skip: kubeSkip }, () => {
  let k: RealKube;
  let minor: number;
  before(() => {
    k = realKube();
    minor = Number((JSON.parse(kubectlOk(k.kubeconfig, ['version', '-o', 'json'])) as Obj).serverVersion.minor.replace(/\D/g, ''));
    // The Priority admission plugin wants the class to exist (cluster-wide: made once).
    kubectl(k.kubeconfig, ['create', 'priorityclass', 'nixpod-golden-low', '--value=10']);
  });

  it('is accepted by a server-side dry run, and the server keeps every field nixpod wrote', () => {
    const ns = newNamespace(k.kubeconfig, 'golden');
    const all = goldenObjects();
    const kinds = new Set(all.flatMap((g) => g.objects.map((o) => o.kind)));
    assert.deepEqual([...kinds].sort(), ['ConfigMap', 'CronJob', 'Job', 'Pod']);
    for (const { file, objects } of all) {
      const items: Obj[] = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
      const r = kubectl(k.kubeconfig, ['apply', '--server-side', '--field-manager=nixpod', '--dry-run=server', '-o', 'json', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
      assert.equal(r.code, 0, `${file}: ${r.stderr}`);
      const got = JSON.parse(r.stdout) as Obj;
      const answered: Obj[] = got.kind === 'List' ? got.items : [got];
      items.forEach((sent, i) => {
        const lost = missing(sent, answered[i]);
        // timeZone is alpha (off) in 1.24: the server drops it. nixpod renders it only when set; it needs 1.25 or later.
        const expected = sent.spec?.timeZone !== undefined && minor < 25 ? ['.spec.timeZone'] : [];
        assert.deepEqual(lost, expected, `${file}: ${sent.kind}/${sent.metadata.name}`);
      });
    }
  });

  it('a CronJob keeps its name and server-side apply moves it to the new ConfigMap; a Job\'s template cannot change, so its name is content-hashed', async () => {
    const ns = newNamespace(k.kubeconfig, 'kinds');
    const templates = compileTemplates(await loadTemplates(undefined, ROOT));
    const render = (kind: 'job' | 'cronjob', body: string): Obj[] => {
      const s = withSettings(checked('report.sh', script('#! nix-shell -i bash -p kubectl', body)), { kind, schedule: '0 3 * * *' });
      return createRenderer({ namespace: ns }, templates)(s).objects() as Obj[];
    };
    const apply = (o: Obj): ReturnType<typeof kubectl> => kubectl(k.kubeconfig, ['apply', '--server-side', '--field-manager=nixpod', '-f', '-'], JSON.stringify(o));
    const [cm1, cj1] = render('cronjob', 'echo one\n') as [Obj, Obj];
    const [cm2, cj2] = render('cronjob', 'echo two\n') as [Obj, Obj];
    assert.notEqual(cm1.metadata.name, cm2.metadata.name);
    assert.equal(cj1.metadata.name, cj2.metadata.name);
    for (const o of [cm1, cj1, cm2, cj2]) assert.equal(apply(o).code, 0);
    const live = JSON.parse(kubectlOk(k.kubeconfig, ['-n', ns, 'get', 'cronjob', 'report-sh', '-o', 'json'])) as Obj;
    assert.equal(live.spec.jobTemplate.spec.template.spec.volumes[0].configMap.name, cm2.metadata.name, 'one CronJob, now on the new script');
    // The same Job name with another script would be refused: hence a new name per content.
    const [, job1] = render('job', 'echo one\n') as [Obj, Obj];
    const [, job2] = render('job', 'echo two\n') as [Obj, Obj];
    assert.notEqual(job1.metadata.name, job2.metadata.name);
    assert.equal(apply(job1).code, 0);
    const clash = apply({ ...job2, metadata: { ...job2.metadata, name: job1.metadata.name } });
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, /field is immutable/);
  });
});
