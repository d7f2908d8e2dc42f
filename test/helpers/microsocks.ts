import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/**
 * A real SOCKS5 server (Debian's microsocks) on a loopback port, for the
 * proxy tests. .ci/run installs it and sets NIXPOD_REQUIRE_MICROSOCKS=1, so
 * CI cannot skip them.
 */
const found = spawnSync('sh', ['-c', 'command -v microsocks']).status === 0;
export const socksSkip: string | false = found || process.env.NIXPOD_REQUIRE_MICROSOCKS === '1' ? false : 'microsocks is not installed (apt-get install microsocks; .ci/run does)';

export interface Socks {
  url: string;
  port: number;
  close(): void;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Started and accepting connections; with `auth` ('user:pass') it asks for RFC 1929 credentials. */
export async function startMicrosocks(auth?: string): Promise<Socks> {
  const port = await freePort();
  const [user, pass] = auth?.split(':') ?? [];
  const child: ChildProcess = spawn('microsocks', ['-i', '127.0.0.1', '-p', String(port), ...(user !== undefined ? ['-u', user, '-P', pass ?? ''] : [])], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (up) return { url: `socks5://127.0.0.1:${port}`, port, close: () => child.kill() };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('microsocks did not start');
}
