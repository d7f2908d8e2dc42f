import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCron } from '../../src/core/settings/cron.js';
import { configKey, dnsLabel, dnsSubdomain, envName, fieldPath, labelValue, qualifiedName, quantity, quantityValue, resourceName, timeZone } from '../../src/core/settings/validate.js';

describe('cron schedules as Kubernetes (robfig/cron v3 ParseStandard) takes them', () => {
  const good = ['0 3 * * *', '*/15 * * * *', '0 0 1,15 * 1-5', '5/10 * * * *', '0 9-17/2 * jan-MAR mon-fri', '? ? ? ? ?', '0 0 * * sun', '1,,2 * * * *', '+5 * * * *',
    '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly', '@every 1h30m', 'TZ=UTC 0 3 * * *', 'CRON_TZ=Europe/Berlin 0 3 * * *', '  0 3 * * *  '];
  const bad: [string, RegExp][] = [
    ['0 3 * *', /5 fields/], ['0 3 * * * *', /5 fields/], ['', /empty/], ['60 * * * *', /minute 60 is above 59/], ['* 24 * * *', /hour 24/],
    ['* * 0 * *', /day of month 0 is below 1/], ['* * * 13 *', /month 13/], ['* * * * 7', /day of week 7 is above 6/], ['5-1 * * * *', /starts after/],
    ['*/0 * * * *', /positive/], ['1/2/3 * * * *', /slashes/], ['1-2-3 * * * *', /hyphens/], ['* * * foo *', /not a month/], ['@fortnightly', /unknown descriptor/],
    ['@every 5x', /duration/], ['@DAILY', /unknown descriptor/], ['-1 * * * *', /not a minute/], ['*-5 * * * *', /cannot start/],
  ];
  for (const g of good) it(`takes '${g}'`, () => assert.equal(checkCron(g), undefined));
  for (const [b, why] of bad) it(`refuses '${b}'`, () => assert.match(checkCron(b)?.message ?? 'accepted', why));
  it('points at the bad field', () => {
    assert.equal(checkCron('0 3 * 13 *')?.offset, 6);
    assert.equal(checkCron('0 1,99 * * *')?.offset, 4);
  });
});

describe('Kubernetes value rules', () => {
  it('quantities (resource.Quantity)', () => {
    for (const q of ['1', '500m', '0.5', '.5', '1.', '256Mi', '1Gi', '2k', '1e3', '1E-3', '+1', '0']) assert.equal(quantity(q), undefined, q);
    for (const q of ['1GB', '1 Gi', 'Mi', '', '.', '1.2.3', '1ki', '1e', '0x10', '-1']) assert.ok(quantity(q), q);
    assert.equal(quantityValue('1Gi'), 2 ** 30);
    assert.equal(quantityValue('500m'), 0.5);
    assert.equal(quantityValue('2e3'), 2000);
  });
  it('resource names', () => {
    // kubernetes.io/foo is a native resource name the 1.24 server takes (test/real/settings-server-rules.test.ts).
    for (const r of ['cpu', 'memory', 'ephemeral-storage', 'hugepages-2Mi', 'hugepages-1Gi', 'nvidia.com/gpu', 'kubernetes.io/foo']) assert.equal(resourceName(r), undefined, r);
    for (const r of ['gpu', 'hugepages-x', 'hugepages-0', 'hugepages-1.5', 'requests.example.com/foo', 'a/b/c']) assert.ok(resourceName(r), r);
  });
  it('names: DNS label, DNS subdomain, label keys and values', () => {
    assert.equal(dnsLabel('prod-1'), undefined);
    assert.ok(dnsLabel('a.b'));
    assert.ok(dnsLabel('x'.repeat(64)));
    assert.equal(dnsSubdomain('pg-auth.v2'), undefined);
    assert.ok(dnsSubdomain('pg_auth'));
    assert.ok(dnsSubdomain('-a'));
    assert.equal(qualifiedName('app.kubernetes.io/name'), undefined);
    assert.equal(qualifiedName('team'), undefined);
    for (const k of ['/x', 'a/', 'a/b/c', 'Ex.com/x', '-x', 'x'.repeat(64)]) assert.ok(qualifiedName(k), k);
    assert.equal(labelValue(''), undefined);
    assert.ok(labelValue('a b'));
    assert.ok(labelValue('x'.repeat(64)));
  });
  it('env names (1.24: letters, digits, _ - ., no leading digit), config keys, fieldPaths, time zones', () => {
    for (const n of ['PGHOST', 'my.env-name', '_x', 'a1']) assert.equal(envName(n), undefined, n);
    for (const n of ['1A', 'A B', '', '.', '..x', 'A=B']) assert.ok(envName(n), n);
    assert.equal(configKey('password'), undefined);
    assert.ok(configKey('a/b'));
    assert.equal(fieldPath("metadata.labels['app']"), undefined);
    assert.ok(fieldPath('spec.foo'));
    assert.equal(timeZone('Europe/Berlin'), undefined);
    assert.ok(timeZone('Local'));
    assert.ok(timeZone('Mars/Olympus'));
  });
});
