import { abortableSleep } from './cancel.js';
import { describe, objectPath } from './apply.js';
import { explainResponse } from './explain.js';
import type { Api } from './http.js';

/**
 * Where a followed log has got to: the timestamp of the last line given out
 * and how many lines carried exactly that timestamp. A reconnect asks for
 * `sinceTime` = that timestamp (the server may round it down to the second)
 * and drops what it already gave: no line lost, none repeated.
 */
export class LogCursor {
  private lastKey = '';
  private stamp: string | undefined;
  private atLast = 0;
  private skip = 0;
  /** A line came without a timestamp: a reconnect could not know where to resume. */
  untimed = false;
  lines = 0;

  get since(): string | undefined {
    return this.stamp;
  }

  /** A new connection begins: the lines at the last timestamp come again and are dropped. */
  reconnect(): void {
    this.skip = this.atLast;
  }

  /** One raw line (`<RFC3339Nano> <text>`): the text when it is new, else undefined. */
  take(raw: string): string | undefined {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)(?: (.*))?$/s.exec(raw);
    if (!m) {
      this.untimed = true;
      this.lines++;
      return raw;
    }
    const key = `${String(Date.parse(`${m[1]}${m[3]}`) / 1000).padStart(13, '0')}.${(m[2] ?? '').padEnd(9, '0')}`;
    if (key < this.lastKey) return undefined;
    if (key === this.lastKey) {
      if (this.skip > 0) {
        this.skip--;
        return undefined;
      }
      this.atLast++;
    } else {
      this.lastKey = key;
      this.stamp = `${m[1]}${m[2] ? `.${m[2]}` : ''}${m[3]}`;
      this.atLast = 1;
      this.skip = 0;
    }
    this.lines++;
    return m[4] ?? '';
  }
}

export interface FollowOptions {
  container: string;
  onLine: (line: string) => void;
  /** Said on stderr: a log that cannot be followed, or lines that may be missing. */
  onNote: (text: string) => void;
  /** Whether the Pod has ended, as the wait last saw it. */
  ended: () => boolean;
  signal: AbortSignal;
  /** No bytes for this long: the stream is treated as dropped and reconnected. */
  idleMs: number;
  pauseMs?: number;
  /** Failed reconnects in a row (without a new line) before giving up, saying so. */
  maxFailures?: number;
}

type Read = 'end' | 'dropped';

/**
 * Follow one container's log until the Pod ends, reconnecting when the
 * stream drops (a reset, no bytes for `idleMs`, or an end while the Pod still
 * runs) from where it got to. Never rejects: what cannot be done is a note.
 */
export async function followLog(api: Api, namespace: string, pod: string, o: FollowOptions): Promise<void> {
  const cur = new LogCursor();
  const what = describe('Pod', pod);
  const pause = (ms: number) => abortableSleep(ms, o.signal).catch(() => undefined);
  let failures = 0;
  let lastError = '';
  while (!o.signal.aborted) {
    const ended = o.ended();
    const before = cur.lines;
    const read = await readOnce(api, namespace, pod, cur, o, ended).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
    if (o.signal.aborted) return;
    // The Pod has ended and a read to the end brought nothing new: the log is complete
    // (a read that did bring lines is checked once more: a proxy may have cut it cleanly).
    if (read === 'end' && ended && cur.lines === before) return;
    if (read === 'end') {
      // The kubelet ends the stream when the container exits; the Pod's status follows a moment later.
      if (!ended) await pause(o.pauseMs ?? 250);
      continue;
    }
    if (typeof read === 'object' && 'note' in read) return o.onNote(read.note);
    if (read === 'waiting') {
      await pause(o.pauseMs ?? 250);
      continue;
    }
    if (cur.untimed) return o.onNote(`the log stream of ${what} dropped, and the server gives no timestamps to resume from: its log may be incomplete here (kubectl logs -n ${namespace} ${pod})`);
    if (typeof read === 'object') lastError = read.error;
    failures = cur.lines > before ? 0 : failures + 1;
    if (failures >= (o.maxFailures ?? 10)) {
      const since = cur.since ? ` after ${cur.since}` : '';
      return o.onNote(`gave up following the log of ${what} (${lastError || 'the stream kept dropping'}): lines${since} may be missing (kubectl logs -n ${namespace} ${pod}${cur.since ? ` --since-time=${cur.since}` : ''})`);
    }
    await pause(Math.min((o.pauseMs ?? 250) * 2 ** failures, 5_000));
  }
}

async function readOnce(api: Api, namespace: string, pod: string, cur: LogCursor, o: FollowOptions, ended: boolean): Promise<Read | 'waiting' | { note: string }> {
  const res = await api.open({ method: 'GET', path: `${objectPath('Pod', namespace, pod)}/log`, query: { container: o.container, follow: 'true', timestamps: 'true', sinceTime: cur.since } }, { signal: o.signal, idleMs: o.idleMs });
  // No content (a Pod no node took, as a bare API server answers): an empty log so far.
  if (res.statusCode === 204) {
    res.resume();
    return 'end';
  }
  if (res.statusCode !== 200) {
    let body = '';
    for await (const chunk of res.setEncoding('utf8') as AsyncIterable<string>) body += chunk;
    // Not started yet: ask again while the Pod has not ended (within the command's --timeout).
    if (res.statusCode === 400 && /waiting to start|ContainerCreating|PodInitializing/.test(body) && !ended) return 'waiting';
    const e = explainResponse({ status: res.statusCode ?? 0, headers: res.headers, body }, `log of ${describe('Pod', pod)}`, namespace, { command: 'wait' });
    return { note: `no log: ${e.message}` };
  }
  cur.reconnect();
  return consume(res, cur, o.onLine, ended);
}

async function consume(res: AsyncIterable<unknown> & { setEncoding(e: string): unknown }, cur: LogCursor, onLine: (line: string) => void, ended: boolean): Promise<Read> {
  res.setEncoding('utf8');
  let partial = '';
  const give = (raw: string) => {
    const line = cur.take(raw);
    if (line !== undefined) onLine(line);
  };
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) give(l);
    }
  } catch {
    // Reset, idle, or the signal: a partial line comes again on the next connection.
    return 'dropped';
  }
  // A last line without a newline is whole only once the container has ended.
  if (partial !== '' && ended) give(partial);
  return 'end';
}
