import { createServer, type IncomingMessage } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';

/** A loopback HTTP CONNECT proxy for tests: counts tunnels, can map a target to another address, demand credentials or refuse. */
export interface ConnectProxy {
  url: string;
  /** `host:port` of every CONNECT it was asked for, in order. */
  tunnels: string[];
  close(): Promise<void>;
}

export async function startConnectProxy(opts: { map?: Record<string, string>; auth?: string; refuse?: number } = {}): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    const target = req.url ?? '';
    tunnels.push(target);
    const status = opts.refuse ?? (opts.auth !== undefined && req.headers['proxy-authorization'] !== `Basic ${Buffer.from(opts.auth).toString('base64')}` ? 407 : 200);
    if (status !== 200) return void client.end(`HTTP/1.1 ${status} No\r\ncontent-length: 0\r\n\r\n`);
    const to = opts.map?.[target] ?? target;
    const i = to.lastIndexOf(':');
    const upstream = connect(Number(to.slice(i + 1)), to.slice(0, i).replace(/^\[(.*)\]$/, '$1'), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    const end = () => (client.destroy(), upstream.destroy());
    upstream.on('error', end);
    client.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A TCP forwarder listening on `host` (e.g. ::1) to a loopback port: the fake API server reached over IPv6. */
export async function startForwarder(host: string, toPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((c) => {
    const u = connect(toPort, '127.0.0.1');
    for (const s of [c, u]) {
      sockets.add(s);
      s.on('error', () => (c.destroy(), u.destroy()));
    }
    c.pipe(u).pipe(c);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
