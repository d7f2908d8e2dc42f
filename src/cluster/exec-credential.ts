import { spawn } from 'node:child_process';
import { CancelledError } from './cancel.js';
import { ClusterError } from './errors.js';
import type { Entry, Obj } from './kubeconfig.js';

/**
 * client-go's credential plugin protocol (client.authentication.k8s.io
 * ExecCredential), run by nixpod itself: the plugin is spawned with its args
 * and env plus KUBERNETES_EXEC_INFO, prints an ExecCredential, and the
 * credential is kept until its expirationTimestamp (for the whole command
 * when it has none), so one apply runs the plugin once.
 */
export interface Credential {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  /** Milliseconds since the epoch; undefined: valid for the life of the process. */
  expiresAt?: number;
}

export interface ExecSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  apiVersion: string;
  installHint: string | undefined;
  interactive: boolean;
  info: string;
  where: string;
}

const VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);

/** What to run, from the user's `exec` block; `stdinIsTerminal` decides `interactive` as client-go does. */
export function execSpec(user: Entry, cluster: Entry, stdinIsTerminal: boolean): ExecSpec {
  const exec = user.body.exec as Obj;
  const where = `user "${user.name}" in kubeconfig ${user.file}`;
  const apiVersion = String(exec.apiVersion ?? '');
  if (!VERSIONS.has(apiVersion)) throw new ClusterError(`${where}: exec apiVersion ${JSON.stringify(apiVersion)} is not supported`, 'use client.authentication.k8s.io/v1 (or v1beta1)');
  if (typeof exec.command !== 'string' || exec.command === '') throw new ClusterError(`${where}: exec has no command`, 'set users[].user.exec.command');
  // v1 must say; v1beta1 defaults to IfAvailable.
  const mode = (exec.interactiveMode as string | undefined) ?? (apiVersion.endsWith('/v1') ? undefined : 'IfAvailable');
  if (mode === undefined) throw new ClusterError(`interactiveMode must be specified for ${user.name} to use exec authentication plugin (kubeconfig ${user.file})`, 'add interactiveMode: Never (or IfAvailable) to the exec block');
  if (!['Never', 'IfAvailable', 'Always'].includes(mode)) throw new ClusterError(`${where}: exec interactiveMode ${JSON.stringify(mode)} is not one of Never, IfAvailable, Always`, 'fix interactiveMode');
  if (mode === 'Always' && !stdinIsTerminal) throw new ClusterError(`${where}: exec plugin cannot support interactive mode: standard input is not a terminal`, 'run from a terminal, or use a plugin that needs no input');
  const interactive = mode !== 'Never' && stdinIsTerminal;
  const env = Object.fromEntries(((exec.env ?? []) as { name: string; value: string }[]).map((e) => [e.name, e.value]));
  return { command: exec.command, args: (exec.args ?? []) as string[], env, apiVersion, installHint: exec.installHint as string | undefined, interactive, info: execInfo(apiVersion, interactive, exec.provideClusterInfo === true ? cluster : undefined), where };
}

/** KUBERNETES_EXEC_INFO, as client-go writes it. */
export function execInfo(apiVersion: string, interactive: boolean, cluster: Entry | undefined): string {
  const spec: Obj = { interactive };
  if (cluster) {
    const c = cluster.body;
    const ext = ((c.extensions ?? []) as { name: string; extension: unknown }[]).find((e) => e.name === 'client.authentication.k8s.io/exec');
    const ca = c['certificate-authority-data'];
    spec.cluster = Object.fromEntries(
      Object.entries({ server: c.server, 'tls-server-name': c['tls-server-name'], 'insecure-skip-tls-verify': c['insecure-skip-tls-verify'], 'certificate-authority-data': ca, 'proxy-url': c['proxy-url'], 'disable-compression': c['disable-compression'], config: ext?.extension }).filter(([, v]) => v !== undefined && v !== '' && v !== false),
    );
  }
  return JSON.stringify({ kind: 'ExecCredential', apiVersion, spec: { ...(spec.cluster ? { cluster: spec.cluster } : {}), interactive } });
}

/** The plugin's answer, checked as client-go checks it. */
export function parseExecCredential(stdout: string, spec: Pick<ExecSpec, 'apiVersion' | 'where'>): Credential {
  const bad = (why: string) => new ClusterError(`${spec.where}: the credential plugin ${why}`, 'the plugin must print an ExecCredential as JSON on stdout');
  let doc: Obj;
  try {
    doc = JSON.parse(stdout) as Obj;
  } catch {
    throw bad(`printed no JSON (${JSON.stringify(stdout.slice(0, 60))})`);
  }
  if (doc === null || typeof doc !== 'object' || doc.kind !== 'ExecCredential') throw bad('printed no ExecCredential');
  if (doc.apiVersion !== spec.apiVersion) throw bad(`is configured to use API version ${spec.apiVersion}, plugin returned version ${String(doc.apiVersion)}`);
  const status = doc.status as Obj | undefined;
  if (!status || typeof status !== 'object') throw bad("didn't return a status field");
  const str = (k: string) => (typeof status[k] === 'string' && status[k] !== '' ? (status[k] as string) : undefined);
  const [token, cert, key] = [str('token'), str('clientCertificateData'), str('clientKeyData')];
  if (!token && !cert && !key) throw bad("didn't return a token or cert/key pair");
  if (!cert !== !key) throw bad('returned only certificate or key, not both');
  const out: Credential = {};
  if (token) out.token = token;
  if (cert && key) Object.assign(out, { cert: Buffer.from(cert), key: Buffer.from(key) });
  const exp = str('expirationTimestamp');
  if (exp) {
    const t = Date.parse(exp);
    if (Number.isNaN(t)) throw bad(`returned an unreadable expirationTimestamp ${JSON.stringify(exp)}`);
    out.expiresAt = t;
  }
  return out;
}

/**
 * Runs the plugin once. Its stderr reaches the user as it comes (a login flow
 * may print a URL and wait), and its last line goes into the error when it
 * fails. The command's signal (Ctrl-C, --timeout) ends it: SIGTERM, then
 * SIGKILL 2 s later, and the wait for it stops at once.
 */
export function runPlugin(spec: ExecSpec, env: Readonly<Record<string, string | undefined>>, stderr: (t: string) => void, signal?: AbortSignal): Promise<Credential> {
  if (signal?.aborted) return Promise.reject(new CancelledError(signal.reason));
  return new Promise((res, rej) => {
    const child = spawn(spec.command, spec.args, { env: { ...env, ...spec.env, KUBERNETES_EXEC_INFO: spec.info }, stdio: [spec.interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'] });
    const stop = (): void => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      rej(new CancelledError(signal?.reason));
    };
    signal?.addEventListener('abort', stop, { once: true });
    const done = (): void => signal?.removeEventListener('abort', stop);
    const resolve = (c: Credential): void => (done(), res(c));
    // A plugin that a Ctrl-C reached too (the terminal signals the whole group) was cancelled, not broken.
    const reject = (e: Error): void => (done(), rej(signal?.aborted ? new CancelledError(signal.reason) : e));
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-4096);
      stderr(d);
    });
    const hint = spec.installHint?.trim().replace(/\s*\n\s*/g, ' ') || 'install the plugin, or fix users[].user.exec.command in the kubeconfig';
    child.on('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'ENOENT' ? 'not found' : e.code === 'EACCES' ? 'not executable' : e.message;
      reject(new ClusterError(`${spec.where}: credential plugin ${spec.command}: ${why}`, hint));
    });
    child.on('close', (code, signal) => {
      if (code === null && signal === null) return; // 'error' already rejected
      if (err !== '' && !err.endsWith('\n')) stderr('\n');
      if (code !== 0) {
        const last = err.trim().split('\n').at(-1)?.trim();
        return reject(new ClusterError(`${spec.where}: credential plugin ${spec.command} failed with ${signal ? `signal ${signal}` : `exit code ${String(code)}`}${last ? `: ${last}` : ''}`, hint));
      }
      try {
        resolve(parseExecCredential(out, spec));
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

/**
 * The credential for every request: one plugin run shared by concurrent
 * requests, kept until it expires. `refresh` drops it after a 401, at most
 * once per credential, so a rejected credential does not run the plugin per
 * request.
 */
export function cachedCredential(fetch: () => Promise<Credential>, now: () => number = Date.now): { get(): Promise<Credential>; refresh(): boolean } {
  let current: { cred: Promise<Credential>; refreshed: boolean } | undefined;
  const load = (refreshed: boolean) => {
    const entry = { cred: fetch(), refreshed };
    current = entry;
    entry.cred.catch(() => {
      if (current === entry) current = undefined; // a failed run is not cached: the next request tries again
    });
    return entry;
  };
  return {
    async get() {
      const entry = current ?? load(false);
      const cred = await entry.cred;
      if (cred.expiresAt === undefined || cred.expiresAt > now()) return cred;
      // Expired: one new run shared by whoever noticed; what it returns is used even if already expired (as client-go does).
      return (current === entry ? load(false) : (current ?? load(false))).cred;
    },
    refresh() {
      if (!current || current.refreshed) return false;
      load(true);
      return true;
    },
  };
}
