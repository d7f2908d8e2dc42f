import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

/**
 * A shell credential plugin next to the kubeconfig: it counts its runs,
 * records KUBERNETES_EXEC_INFO, its args and env, and prints answer.N (for
 * run N) or else answer.
 */
const PLUGIN = `#!/bin/sh
d=$(dirname "$0")
echo run >> "$d/runs"
n=$(wc -l < "$d/runs" | tr -d ' ')
printf '%s' "$KUBERNETES_EXEC_INFO" > "$d/info"
printf '%s|%s' "$*" "$PLUGIN_GREETING" > "$d/argv"
echo "plugin says hello" >&2
if [ -f "$d/answer.$n" ]; then cat "$d/answer.$n"; else cat "$d/answer"; fi
`;

const V1 = 'client.authentication.k8s.io/v1';
const credential = (status: Record<string, unknown>, apiVersion = V1) => JSON.stringify({ apiVersion, kind: 'ExecCredential', status });

describe('exec credential plugins, run by nixpod itself', () => {
  let fake: FakeKube;
  let dir: string;
  const runs = () => (existsSync(join(dir, 'conf', 'bin', 'runs')) ? readFileSync(join(dir, 'conf', 'bin', 'runs'), 'utf8').split('\n').filter(Boolean).length : 0);
  const config = (exec: Record<string, unknown>) =>
    stringify({
      'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: fake.url, 'certificate-authority-data': Buffer.from(fake.caCert).toString('base64'), extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { region: 'x' } }] } }],
      users: [{ name: 'u', user: { exec: { apiVersion: V1, command: './bin/plugin', args: ['get-token', '--flag'], env: [{ name: 'PLUGIN_GREETING', value: 'hi' }], interactiveMode: 'Never', ...exec } } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    });
  const apply = (exec: Record<string, unknown>, ...scripts: string[]) => {
    writeFileSync(join(dir, 'conf', 'kc'), config(exec));
    return runCli(['apply', '--kubeconfig', 'conf/kc', '-n', 'default', ...(scripts.length ? scripts : ['s0.sh'])], dir, { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' });
  };

  before(async () => {
    fake = await new FakeKube({ users: { admin: { name: 'admin' } } }).start();
  });
  after(() => fake.close());
  beforeEach(() => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`s${i}.sh`] = script('#! nix-shell -i bash -p jq', `echo ${i}\n`);
    dir = tempTree(files);
    // The kubeconfig lives in conf/, the plugin in conf/bin/: a relative command is relative to the kubeconfig's folder.
    mkdirSync(join(dir, 'conf', 'bin'), { recursive: true });
    writeFileSync(join(dir, 'conf', 'bin', 'plugin'), PLUGIN);
    chmodSync(join(dir, 'conf', 'bin', 'plugin'), 0o755);
    writeFileSync(join(dir, 'conf', 'bin', 'answer'), credential({ token: 'admin', expirationTimestamp: new Date(Date.now() + 3600_000).toISOString() }));
    fake.requests.length = 0;
  });
  const binDir = () => join(dir, 'conf', 'bin');

  it('a plugin that hangs is ended by --timeout (apply and diff): the command stops then, exit 3, and the plugin is gone', async () => {
    // It writes its pid, then waits far longer than the test.
    writeFileSync(join(binDir(), 'plugin'), '#!/bin/sh\necho $$ > "$(dirname "$0")/pid"\nexec sleep 60\n');
    for (const command of ['apply', 'diff']) {
      writeFileSync(join(dir, 'conf', 'kc'), config({}));
      const t0 = Date.now();
      const r = await runCli([command, '--kubeconfig', 'conf/kc', '-n', 'default', '--timeout', '1s', 's0.sh'], dir, { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' });
      assert.ok(Date.now() - t0 < 10_000, `${command} took ${Date.now() - t0} ms`);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /^nixpod: error: stopped: the --timeout passed\n\s+hint: give the command more time with --timeout/m, command);
      assert.doesNotMatch(r.stderr, /credential plugin .* failed/, command);
      const pid = Number(readFileSync(join(binDir(), 'pid'), 'utf8'));
      // SIGTERM ends sleep at once; give the kernel a moment to reap it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.throws(() => process.kill(pid, 0), /ESRCH/, `${command}: the plugin (pid ${pid}) still runs`);
    }
  });

  it('applying 20 scripts runs the plugin once, relative to the kubeconfig, with its args, env and KUBERNETES_EXEC_INFO', async () => {
    const scripts = Array.from({ length: 20 }, (_, i) => `s${i}.sh`);
    const r = await apply({ provideClusterInfo: true }, ...scripts);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/ created$/gm) ?? []).length, 40);
    assert.ok(fake.requests.length >= 40 && fake.requests.every((q) => q.user === 'admin'));
    assert.equal(readFileSync(join(binDir(), 'runs'), 'utf8'), 'run\n', 'one run for the whole apply');
    assert.equal(readFileSync(join(binDir(), 'argv'), 'utf8'), 'get-token --flag|hi');
    assert.deepEqual(JSON.parse(readFileSync(join(binDir(), 'info'), 'utf8')), { kind: 'ExecCredential', apiVersion: V1, spec: { cluster: { server: fake.url, 'certificate-authority-data': Buffer.from(fake.caCert).toString('base64'), config: { region: 'x' } }, interactive: false } });
    assert.match(r.stderr, /plugin says hello/, "the plugin's stderr reaches the user");
  });

  it('an expired credential is fetched again; one without expiry is kept', async () => {
    writeFileSync(join(binDir(), 'answer'), credential({ token: 'admin', expirationTimestamp: '2000-01-01T00:00:00Z' }));
    assert.equal((await apply({}, 's1.sh', 's2.sh')).code, 0);
    assert.ok(runs() > 2, `expired: re-run per request (${runs()} runs)`);
    writeFileSync(join(binDir(), 'runs'), '');
    writeFileSync(join(binDir(), 'answer'), credential({ token: 'admin' }));
    assert.equal((await apply({}, 's1.sh', 's2.sh')).code, 0);
    assert.equal(runs(), 1);
  });

  it('a refused (401) credential is fetched again once, and the request retried', async () => {
    writeFileSync(join(binDir(), 'answer.1'), credential({ token: 'revoked' }));
    const r = await apply({}, 's3.sh');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(runs(), 2);
    assert.equal(fake.requests[0]?.status, 401);
    writeFileSync(join(binDir(), 'runs'), '');
    writeFileSync(join(binDir(), 'answer'), credential({ token: 'revoked' }));
    const denied = await apply({}, 's4.sh');
    assert.equal(denied.code, 3);
    assert.equal(runs(), 2, 'a credential refused again does not run the plugin per request');
  });

  it('a missing, failing or misbehaving plugin is a one-line cluster error with its stderr and installHint', async () => {
    const one = async (exec: Record<string, unknown>, pattern: RegExp, hint?: RegExp) => {
      const r = await apply(exec);
      assert.equal(r.code, 3, r.stderr);
      const all = r.stderr.trimEnd().split('\n');
      const lines = all.slice(all.findIndex((l) => l.startsWith('nixpod:'))); // after what the plugin printed itself
      assert.equal(lines.length, 2, r.stderr);
      assert.match(lines[0] ?? '', pattern);
      if (hint) assert.match(lines[1] ?? '', hint);
      assert.doesNotMatch(r.stderr, /internal|\n\s+at /);
    };
    await one({ command: 'nixpod-no-such-plugin', installHint: 'brew install\nthe-plugin' }, /user "u" in kubeconfig .*conf\/kc: credential plugin nixpod-no-such-plugin: not found/, /brew install the-plugin/);
    await one({ command: './bin/missing' }, /credential plugin .*conf\/bin\/missing: not found/);
    writeFileSync(join(binDir(), 'fails'), '#!/bin/sh\necho "first line" >&2\necho "error: token expired, run login" >&2\nexit 7\n');
    chmodSync(join(binDir(), 'fails'), 0o755);
    await one({ command: './bin/fails' }, /credential plugin .*\/fails failed with exit code 7: error: token expired, run login$/);
    writeFileSync(join(binDir(), 'answer'), credential({ token: 'admin' }, 'client.authentication.k8s.io/v1beta1'));
    await one({}, /configured to use API version client.authentication.k8s.io\/v1, plugin returned version client.authentication.k8s.io\/v1beta1/);
    writeFileSync(join(binDir(), 'answer'), credential({ clientCertificateData: 'junk', clientKeyData: 'junk' }));
    await one({}, /the credential plugin's certificate: client-certificate is not a PEM certificate/);
    await one({ interactiveMode: undefined }, /interactiveMode must be specified for u to use exec authentication plugin/);
    await one({ interactiveMode: 'Always' }, /standard input is not a terminal/);
    await one({ apiVersion: 'client.authentication.k8s.io/v1alpha1' }, /exec apiVersion "client.authentication.k8s.io\/v1alpha1" is not supported/);
  });
});
