import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parseRetryAfter } from '../../src/cluster/http.js';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';
import { rng } from '../helpers/random.js';

/** How nixpod treats an API server shedding load, or something else answering in its place. */
describe('HTTP: retries, Retry-After, answers that are not JSON', () => {
  let fake: FakeKube;
  let dir: string;
  let kc: string;
  const cli = (...args: string[]) => runCli([args[0] as string, '--kubeconfig', kc, ...args.slice(1)], dir, { HOME: dir });
  const podPatch = (r: { method: string; path: string }) => r.method === 'PATCH' && r.path.includes('/pods/');

  before(async () => {
    fake = await new FakeKube({ users: { admin: { name: 'admin' } }, kubelet: () => ({ lines: ['hi'], exitCode: 0 }) }).start();
  });
  after(() => fake.close());
  beforeEach(() => {
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    kc = join(dir, 'kubeconfig');
    writeFileSync(kc, fake.kubeconfig('admin'));
    fake.requests.length = 0;
    fake.faults.length = 0;
  });

  it('Retry-After: delay-seconds and the HTTP-date form', () => {
    const now = Date.parse('Sun, 29 Nov 2026 10:00:00 GMT');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(['0'], now), 0);
    assert.equal(parseRetryAfter('Sun, 29 Nov 2026 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sun, 29 Nov 2026 09:59:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('a 500 saying the object does not fit its types is final: one request, explained as the object, not the cluster', async () => {
    fake.faults.push({ match: podPatch, times: Infinity, kind: 'reject', status: 500, reason: 'InternalError', message: 'failed to create typed patch object (/v1, Kind=Pod): .spec.tolerations[0].value: expected string, got &value.valueUnstructured{Value:1}' });
    const r = await cli('apply', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.equal(fake.requests.filter(podPatch).length, 1, 'not retried');
    assert.match(r.stderr, /could not read the object nixpod sent \(a field of the wrong type\): .*tolerations\[0\]\.value: expected string/);
    assert.doesNotMatch(r.stderr, /kept failing|healthy/);
  });

  it('429 is retried 10 times, as client-go does', async () => {
    fake.faults.push({ match: podPatch, times: 9, kind: 'status', status: 429, retryAfter: 0 });
    const r = await cli('apply', 'a.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.requests.filter(podPatch).length, 10);
    assert.match(r.stdout, /^pod\/a-sh-\S+ created$/m);
  });

  it('an apply of 30 scripts with 40 % of its requests answered 429 loses nothing', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`s${i}.sh`] = script('#! nix-shell -i bash -p jq', `echo ${i}\n`);
    dir = tempTree(files);
    // Seeds with which the old budget (5 attempts) lost objects.
    for (const seed of [1, 2, 5]) {
      writeFileSync(kc, fake.kubeconfig('admin', `load-${seed}`));
      const rand = rng(seed);
      fake.faults.length = 0;
      fake.faults.push({ match: () => rand() < 0.4, times: Infinity, kind: 'status', status: 429, retryAfter: 0 });
      const r = await runCli(['apply', '--kubeconfig', kc, '--create-namespace', '.'], dir, { HOME: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fake.list('configmaps', `load-${seed}`).length, 30);
      assert.equal(fake.list('pods', `load-${seed}`).length, 30);
    }
    assert.ok(fake.requests.filter((x) => x.status === 429).length > 60, 'the faults were hit');
  });

  it('Retry-After as an HTTP-date is waited for', async () => {
    fake.faults.push({ match: podPatch, times: 1, kind: 'status', status: 429, retryAfter: new Date(Date.now() + 2000).toUTCString() });
    const r = await cli('apply', 'a.sh');
    assert.equal(r.code, 0, r.stderr);
    const [first, second] = fake.requests.filter(podPatch);
    assert.ok(first && second && second.at - first.at >= 900, `waited ${(second?.at ?? 0) - (first?.at ?? 0)} ms`);
  });

  it('a Retry-After beyond --timeout is not waited for: the 429 is the answer', async () => {
    fake.faults.push({ match: podPatch, times: 5, kind: 'status', status: 429, retryAfter: 30 });
    const t0 = Date.now();
    const r = await cli('apply', '--timeout', '3s', 'a.sh');
    assert.equal(r.code, 3);
    assert.ok(Date.now() - t0 < 2500, `took ${Date.now() - t0} ms`);
    assert.match(r.stderr, /pod\/a-sh-\S+: the API server kept failing \(429 TooManyRequests\)/);
  });

  it('HTML from a proxy where JSON was expected is a one-line cluster error saying what came back', async () => {
    fake.faults.push({ match: podPatch, times: 1, kind: 'html', status: 200 });
    const r = await cli('apply', 'a.sh');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^nixpod: error: pod\/a-sh-\S+: expected JSON from the API server, got HTTP 200, text\/html: "<html><head><title>502 Bad Gateway/m);
    assert.match(r.stderr, /hint: something other than the API server answered/);
    assert.doesNotMatch(r.stderr, /internal error/);
    const waitList = (x: { method: string; path: string }) => x.method === 'GET' && /\/pods$/.test(x.path);
    fake.faults.push({ match: waitList, times: 2, kind: 'html', status: 200 });
    const w = await cli('apply', '--wait', 'a.sh');
    assert.equal(w.code, 3, w.stderr);
    assert.match(w.stderr, /expected JSON from the API server, got HTTP 200, text\/html/);
    assert.doesNotMatch(w.stderr, /internal error/);
    fake.faults.push({ match: (x) => x.method === 'GET' && x.path.includes('/configmaps/'), times: 10, kind: 'html', status: 502 });
    const d = await cli('diff', 'a.sh');
    assert.equal(d.code, 3, d.stderr);
    assert.match(d.stderr, /configmap\/a-sh-\S+: the API server answered HTTP 502, text\/html: "<html>/);
    assert.doesNotMatch(d.stderr, /internal error/);
  });

  it('diff --concurrency bounds the requests in flight', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 4; i++) files[`c${i}.sh`] = script('#! nix-shell -i bash -p jq', `echo ${i}\n`);
    dir = tempTree(files);
    fake.faults.push({ match: () => true, times: Infinity, kind: 'latency', ms: 30 });
    const r = await runCli(['diff', '--kubeconfig', kc, '--concurrency', '1', '.'], dir, { HOME: dir });
    assert.equal(r.code, 1, r.stderr);
    const reqs = fake.requests.filter((x) => x.path.includes('/namespaces/'));
    const overlapping = reqs.some((a) => reqs.some((b) => a !== b && b.at > a.at && b.at < (a.doneAt ?? 0)));
    assert.equal(overlapping, false);
  });
});
