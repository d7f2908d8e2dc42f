import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { script, tempTree } from '../helpers/cli.js';
import { spawnNixpod } from '../helpers/spawn.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

/**
 * A proxy that takes the connection and never answers (or answers one byte):
 * --timeout, Ctrl-C and SIGTERM still end the command at once, for SOCKS5 and
 * HTTP CONNECT alike (found by review: the command waited forever).
 */
describe('a silent proxy does not hold the command', () => {
  let fake: FakeKube;
  let silent: Server;
  let port = 0;
  const sockets: Socket[] = [];
  let dir: string;

  before(async () => {
    fake = await new FakeKube({ users: { admin: { name: 'admin' } } }).start();
    silent = createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
      s.once('data', (d: Buffer) => (d[0] === 5 ? s.write(Buffer.from([5])) : undefined)); // SOCKS: half an answer; CONNECT: none
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    port = (silent.address() as { port: number }).port;
    dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') });
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    silent.close();
    await fake.close();
  });

  const via = (scheme: string): string => {
    const kc = fake.kubeconfig('admin').replace('cluster: {server: ', `cluster: {proxy-url: "${scheme}://127.0.0.1:${port}", server: `);
    const file = join(dir, `kc-${scheme}`);
    writeFileSync(file, kc);
    return file;
  };

  for (const scheme of ['socks5', 'http']) {
    it(`${scheme}: --timeout 2s ends it, naming the timeout`, { timeout: 20_000 }, async () => {
      const t0 = Date.now();
      const r = await spawnNixpod(['apply', '--kubeconfig', via(scheme), '--timeout', '2s', 'a.sh'], dir);
      assert.ok(Date.now() - t0 < 8_000, `took ${Date.now() - t0} ms`);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /timeout|timed out/i);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      it(`${scheme}: ${signal} ends it at once with ${code}`, { timeout: 20_000 }, async () => {
        const r = await spawnNixpod(['apply', '--kubeconfig', via(scheme), 'a.sh'], dir, { signalAfter: { signal, ms: 1_000 } });
        assert.equal(r.code, code, r.stderr);
        assert.ok(r.closedAt - r.signalledAt < 3_000, `ended ${r.closedAt - r.signalledAt} ms after the signal`);
      });
    }
  }
});
