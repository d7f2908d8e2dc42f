import { connect, isIP, type Socket } from 'node:net';
import { hostOf } from './proxy.js';

/**
 * A TCP connection to host:port through a SOCKS5 proxy (RFC 1928, with the
 * username/password method of RFC 1929 when the proxy URL has user info), as
 * Go's transport makes it for a `socks5://` proxy: the host name goes to the
 * proxy as it is, so the proxy resolves it (what an `ssh -D` bastion needs).
 */
export function socksConnect(proxy: URL, host: string, port: number, timeoutMs: number, cb: (err: Error | null, socket?: Socket) => void): Socket {
  const socket = connect({ host: hostOf(proxy), port: Number(proxy.port || 1080) });
  socket.setTimeout(timeoutMs, () => fail(`did not finish the SOCKS handshake within ${timeoutMs / 1000} s`, 'ETIMEDOUT'));
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  let buf = Buffer.alloc(0);
  let step: 'method' | 'auth' | 'connect' = 'method';
  let settled = false;
  const fail = (message: string, code = 'EPROXY') => {
    if (settled) return;
    settled = true;
    socket.destroy();
    cb(Object.assign(new Error(`proxy ${proxy.protocol}//${proxy.host}: ${message}`), { code }));
  };
  socket.once('connect', () => socket.write(Buffer.from(user !== '' ? [5, 2, 0, 2] : [5, 1, 0])));
  socket.on('error', (e: NodeJS.ErrnoException) => fail(e.message, e.code));
  socket.once('close', () => fail('closed the connection during the SOCKS handshake'));
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (step === 'method' && buf.length >= 2) {
      const method = buf[1];
      buf = buf.subarray(2);
      if (method === 2 && user !== '') {
        step = 'auth';
        const u = Buffer.from(user);
        const p = Buffer.from(pass);
        if (u.length > 255 || p.length > 255) return fail('the username and password must each be at most 255 bytes');
        socket.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([p.length]), p]));
      } else if (method === 0) sendConnect();
      else return fail(method === 0xff ? `accepts none of the offered methods (${user !== '' ? 'username/password, ' : ''}no authentication)` : `chose an unknown method ${method}`);
    }
    if (step === 'auth' && buf.length >= 2) {
      if (buf[1] !== 0) return fail('refused the username and password', 'EPROXYAUTH');
      buf = buf.subarray(2);
      sendConnect();
    }
    if (step === 'connect' && buf.length >= 5) {
      const need = replyLength(buf);
      if (buf.length < need) return;
      if (buf[1] !== 0) return fail(`could not connect to ${host.includes(':') ? `[${host}]` : host}:${port}: ${REPLIES[buf[1] ?? 1] ?? `error ${buf[1]}`}`);
      settled = true;
      socket.setTimeout(0);
      socket.removeAllListeners('timeout');
      socket.removeAllListeners('data');
      socket.removeAllListeners('close');
      socket.removeAllListeners('error');
      if (buf.length > need) socket.unshift(buf.subarray(need));
      cb(null, socket);
    }
  });
  return socket;

  function sendConnect(): void {
    step = 'connect';
    const family = isIP(host);
    const name = Buffer.from(host);
    const addr = family === 4 ? Buffer.from([1, ...host.split('.').map(Number)]) : family === 6 ? Buffer.concat([Buffer.from([4]), ipv6Bytes(host)]) : Buffer.concat([Buffer.from([3, name.length]), name]);
    socket.write(Buffer.concat([Buffer.from([5, 1, 0]), addr, Buffer.from([port >> 8, port & 0xff])]));
  }
}

const REPLIES: Record<number, string> = { 1: 'general failure', 2: 'not allowed by its rules', 3: 'network unreachable', 4: 'host unreachable', 5: 'connection refused', 6: 'TTL expired', 7: 'command not supported', 8: 'address type not supported' };

/** VER REP RSV ATYP BND.ADDR BND.PORT: the length of a CONNECT reply. */
function replyLength(b: Buffer): number {
  const atyp = b[3];
  return 4 + (atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + (b[4] ?? 0)) + 2;
}

function ipv6Bytes(literal: string): Buffer {
  const ip = new URL(`http://[${literal}]`).hostname.slice(1, -1); // compressed hex groups, no dotted tail
  const [head = '', tail = ''] = ip.split('::');
  const parts = (s: string) => (s === '' ? [] : s.split(':'));
  const h = parts(head);
  const t = parts(tail);
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}
