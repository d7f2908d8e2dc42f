import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runCli, script, tempTree } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';
import { testPki } from '../helpers/fake-kube/tls.js';

/**
 * Credentials, contexts and kubeconfig mistakes: what kubectl accepts works,
 * what it refuses is a one-line cluster error (exit 3) naming the kubeconfig
 * file and entry, with a hint; never an internal error or a stack trace.
 */
describe('kubeconfig credentials and mistakes', () => {
  let fake: FakeKube;
  let dir: string;
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const config = (cluster: Record<string, unknown>, user: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
    stringify({
      'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: fake.url, 'certificate-authority-data': b64(fake.caCert), ...cluster } }],
      users: user ? [{ name: 'u', user }] : [],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
      ...extra,
    });
  const apply = (text: string, env: Record<string, string> = {}) => {
    writeFileSync(join(dir, 'kc'), text);
    return runCli(['apply', '--kubeconfig', 'kc', '-n', 'default', 'a.sh'], dir, { HOME: dir, ...env });
  };
  /** exit 3, one line naming the file (and the pattern), one hint line, no trace. */
  const refused = async (text: string, pattern: RegExp) => {
    fake.requests.length = 0;
    const r = await apply(text);
    assert.equal(r.code, 3, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0] ?? '', pattern);
    assert.match(lines[1] ?? '', /hint/i);
    assert.equal(fake.requests.length, 0, 'nothing was sent');
    return lines[0] ?? '';
  };

  before(async () => {
    fake = await new FakeKube({ users: { admin: { name: 'admin' } } }).start();
  });
  after(() => fake.close());
  beforeEach(() => {
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
    fake.requests.length = 0;
  });

  it('tokenFile wins over token (client-go); relative to the kubeconfig, and --kubeconfig relative to the working directory', async () => {
    writeFileSync(join(dir, 'tok'), 'admin\n');
    const r = await apply(config({}, { token: 'wrong', tokenFile: 'tok' }));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fake.requests.every((q) => q.user === 'admin'));
    writeFileSync(join(dir, 'tok'), 'wrong\n');
    const bad = await apply(config({}, { token: 'admin', tokenFile: 'tok' }));
    assert.equal(bad.code, 3, 'the file token was sent, and refused');
  });

  it('a missing tokenFile is an error at connect time', async () => {
    assert.match(await refused(config({}, { token: 'admin', tokenFile: 'nope.tok' }), /user "u" in kubeconfig .*\/kc: cannot read tokenFile .*\/nope\.tok: ENOENT/), /nope/);
  });

  it('a context naming a missing user is an error, not an anonymous connection', async () => {
    await refused(config({}, null), /context "c" in .*\/kc names user "u", which the kubeconfig does not define/);
  });

  it('insecure-skip-tls-verify with a CA is refused with client-go\'s words; without a CA it connects', async () => {
    await refused(config({ 'insecure-skip-tls-verify': true }, { token: 'admin' }), /cluster "c" in kubeconfig .*\/kc: specifying a root certificates file with the insecure flag is not allowed/);
    const r = await apply(config({ 'insecure-skip-tls-verify': true, 'certificate-authority-data': undefined }, { token: 'admin' }));
    assert.equal(r.code, 0, r.stderr);
  });

  it('wrong shapes anywhere, and broken YAML, name the file and the field', async () => {
    await refused('clusters: 5\n', /kubeconfig .*\/kc: clusters: expected a list, got the number 5/);
    await refused(config({ server: 5 }, { token: 'admin' }), /kubeconfig .*\/kc: clusters\[0\]\.cluster\.server: expected a string, got the number 5/);
    await refused(config({}, { token: 'admin', exec: 'aws' }), /users\[0\]\.user\.exec: expected a mapping/);
    await refused('clusters: [\n', /kubeconfig .*\/kc: not valid YAML/);
  });

  it('a server without a scheme gets https:// when a CA is given, as client-go does; a bad server URL is named', async () => {
    const r = await apply(config({ server: fake.url.replace('https://', '') }, { token: 'admin' }));
    assert.equal(r.code, 0, r.stderr);
    await refused(config({ server: 'ftp://x' }, { token: 'admin' }), /cluster "c" in kubeconfig .*\/kc: server "ftp:\/\/x" has the unsupported scheme ftp/);
    await refused(config({ server: '' }, { token: 'admin' }), /cluster "c" in kubeconfig .*\/kc has no server/);
  });

  it('an unparseable CA is "not a PEM certificate", not "unable to verify"', async () => {
    const line = await refused(config({ 'certificate-authority-data': b64('not a certificate') }, { token: 'admin' }), /cluster "c" in kubeconfig .*\/kc: certificate-authority is not a PEM certificate/);
    assert.doesNotMatch(line, /verify/);
    await refused(config({ 'certificate-authority-data': b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n') }, { token: 'admin' }), /holds a certificate that cannot be parsed/);
    await refused(config({ 'certificate-authority-data': undefined, 'certificate-authority': 'ca.pem' }, { token: 'admin' }), /cannot read certificate-authority .*\/ca\.pem: ENOENT/);
  });

  it('client certificates: an invalid or mismatched key, or half a pair, is named', async () => {
    const pki = testPki();
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const user = (cert: string | undefined, key: string | undefined) => ({ token: 'admin', ...(cert ? { 'client-certificate-data': b64(cert) } : {}), ...(key ? { 'client-key-data': b64(key) } : {}) });
    await refused(config({}, user(pki.serverCert, other)), /user "u" in kubeconfig .*\/kc: client-key does not match client-certificate/);
    await refused(config({}, user(pki.serverCert, 'garbage')), /client-key is not a readable PEM private key/);
    await refused(config({}, user(pki.serverCert, undefined)), /has a client certificate but no key/);
    await refused(config({}, user('junk', pki.serverKey)), /client-certificate is not a PEM certificate/);
    const ok = await apply(config({}, user(pki.serverCert, pki.serverKey)));
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('username/password together with a token is refused, as client-go refuses it', async () => {
    await refused(config({}, { token: 'admin', username: 'a', password: 'b' }), /username\/password or bearer token may be set, but not both/);
  });

  it('KUBECONFIG is split on the platform delimiter; missing files are skipped; the first file wins per name and for current-context', async () => {
    writeFileSync(join(dir, 'one'), config({}, { token: 'admin' }, { 'current-context': 'c' }));
    writeFileSync(join(dir, 'two'), stringify({ 'current-context': 'other', users: [{ name: 'u', user: { token: 'wrong' } }], contexts: [{ name: 'other', context: { cluster: 'nope' } }] }));
    const r = await runCli(['apply', '-n', 'default', 'a.sh'], dir, { HOME: dir, KUBECONFIG: ['missing', 'one', 'two'].join(delimiter) });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fake.requests.every((q) => q.user === 'admin'));
    const swapped = await runCli(['apply', '-n', 'default', 'a.sh'], dir, { HOME: dir, KUBECONFIG: ['two', 'one'].join(delimiter) });
    assert.equal(swapped.code, 3);
    assert.match(swapped.stderr, /context "other" in .*\/two names cluster "nope"/);
  });
});
