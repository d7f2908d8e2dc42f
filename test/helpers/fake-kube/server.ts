import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { conflictMessage, deepEqual, getPath, managedFields, serverSideApply, updateOwners, type Obj, type Owner } from './ssa.js';
import { testPki } from './tls.js';

/**
 * A loopback Kubernetes API server for tests: HTTPS with a test CA, bearer
 * tokens (401/403), discovery, the OpenAPI v3 marker kubectl needs, namespaces,
 * ConfigMaps and Pods (get, list, watch, create, replace, delete, server-side
 * apply with managed fields, conflicts, force and dryRun), the Pod
 * immutability rule, a fake kubelet moving Pods through their phases and
 * serving their logs, a log of every request, and injectable faults.
 * Its fidelity is shown by the real kubectl in test/cluster/kubectl.test.ts.
 */
export interface FakeKubeOptions {
  /** token -> user; `verbs` limits what the user may do (else everything). */
  users?: Record<string, { name: string; verbs?: string[] }>;
  /** Milliseconds added to every response: a network round trip (the loopback has none). */
  latencyMs?: number;
  /** What a Pod does once started: its log lines and exit code; `null` leaves it Pending. */
  kubelet?: (pod: Obj) => KubeletPlan | null;
}

/**
 * What the fake kubelet does with a Pod. Log lines carry timestamps (for
 * `timestamps=true` and `sinceTime`): line i is written `lineEveryMs * i` after
 * the start, stamped 1 ms apart (all alike with `sameStamp`).
 */
export interface KubeletPlan {
  lines: string[];
  exitCode: number;
  runMs?: number;
  reason?: string;
  stuck?: { reason: string; message: string };
  lineEveryMs?: number;
  sameStamp?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  user: string | undefined;
  status: number;
  body: string;
  /** When it arrived and when its answer was sent (Date.now()). */
  at: number;
  doneAt?: number;
}

/**
 * Injected faults, each for the next `times` matching requests: an answer
 * (429/5xx with Retry-After as seconds or an HTTP-date, a rejection, HTML
 * from a proxy), a reset, latency, or a log stream cut after some lines (a
 * reset, a clean end while the Pod runs, or a stall: no more bytes).
 */
export type Fault = { match: (r: { method: string; path: string; contentType?: string | undefined }) => boolean; times: number } & (
    | { kind: 'status'; status: 429 | 500 | 503; retryAfter?: number | string }
    | { kind: 'reject'; status: 400 | 401 | 403 | 422 | 500; reason: string; message: string }
    | { kind: 'html'; status: number }
    | { kind: 'reset' }
    /** The request is done, then its answer lost (the connection dropped): the client cannot tell it from a reset. */
    | { kind: 'lose-answer' }
    | { kind: 'latency'; ms: number }
    | { kind: 'log-cut'; afterLines: number; how: 'reset' | 'end' | 'stall' }
  );

interface Stored {
  obj: Obj;
  owners: Owner[];
}

type Resource = 'namespaces' | 'configmaps' | 'pods' | 'jobs' | 'cronjobs';
const KINDS: Record<Resource, string> = { namespaces: 'Namespace', configmaps: 'ConfigMap', pods: 'Pod', jobs: 'Job', cronjobs: 'CronJob' };
const API_VERSION = (r: Resource): string => (r === 'jobs' || r === 'cronjobs' ? 'batch/v1' : 'v1');

export class FakeKube {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  readonly caCert: string;
  private readonly objects = new Map<string, Stored>();
  private readonly events: { rv: number; type: string; resource: Resource; ns: string; obj: Obj }[] = [];
  private readonly watchers = new Set<(e: { type: string; resource: Resource; ns: string; obj: Obj }) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  /** Events (v1), by namespace: what the kubelet reports about Pods. */
  private readonly podEvents: { ns: string; obj: Obj }[] = [];
  private rv = 100;
  private server: Server | undefined;
  url = '';

  constructor(private readonly opts: FakeKubeOptions = {}) {
    this.caCert = testPki().caCert;
    for (const ns of ['default', 'kube-system']) this.put('namespaces', '', ns, { obj: this.fresh('namespaces', '', { metadata: { name: ns } }), owners: [] });
  }

  async start(): Promise<this> {
    const pki = testPki();
    this.server = createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const t of this.intervals) clearInterval(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** A kubeconfig for this server and token. */
  kubeconfig(token: string, namespace?: string, context = 'fake'): string {
    const ca = Buffer.from(this.caCert).toString('base64');
    return [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${context}`,
      `clusters: [{name: ${context}, cluster: {server: "${this.url}", certificate-authority-data: ${ca}}}]`,
      `users: [{name: ${context}, user: {token: "${token}"}}]`,
      `contexts: [{name: ${context}, context: {cluster: ${context}, user: ${context}${namespace ? `, namespace: ${namespace}` : ''}}}]`,
      '',
    ].join('\n');
  }

  get(resource: Resource, ns: string, name: string): Obj | undefined {
    const s = this.objects.get(`${resource}/${ns}/${name}`);
    return s && this.output(s);
  }

  list(resource: Resource, ns?: string): Obj[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(`${resource}/${ns === undefined ? '' : `${ns}/`}`)).map(([, s]) => this.output(s));
  }

  deleteObject(resource: Resource, ns: string, name: string): void {
    this.remove(resource, ns, name);
  }

  /** Server-side apply as another field manager would (a test's stand-in for kubectl or a controller). */
  applyAs(manager: string, resource: Resource, ns: string, obj: Obj, force = true): void {
    this.patch(resource, ns, String(getPath(obj, ['metadata', 'name'])), obj, 'application/apply-patch+yaml', manager, force, false);
  }

  // --- HTTP ---------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://x');
    const query = Object.fromEntries(url.searchParams);
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query, contentType: req.headers['content-type'], user: undefined, status: 0, body: '', at: Date.now() };
    this.requests.push(rec);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      if (loseAnswer) return void req.socket.destroy();
      rec.status = status;
      rec.doneAt = Date.now();
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const fault = this.faults.find((f) => f.times > 0 && f.match({ method: rec.method, path: rec.path, contentType: rec.contentType }));
    let logCut: (Fault & { kind: 'log-cut' }) | undefined;
    let loseAnswer = false;
    if (fault) {
      fault.times--;
      if (fault.kind === 'reset') return void req.socket.destroy();
      if (fault.kind === 'reject') return send(fault.status, status(fault.status, fault.reason, fault.message));
      if (fault.kind === 'html') {
        rec.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'text/html' });
        return void res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n');
      }
      if (fault.kind === 'log-cut') logCut = fault;
      else if (fault.kind === 'lose-answer') loseAnswer = true;
      else if (fault.kind === 'latency') await new Promise((r) => setTimeout(r, fault.ms));
      else return send(fault.status, status(fault.status, fault.status === 429 ? 'TooManyRequests' : 'InternalError', fault.status === 429 ? 'the server has received too many requests and has asked us to try again later' : 'an error on the server ("injected") has prevented the request from succeeding'), fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {});
    }
    const body = await readBody(req);
    rec.body = body;
    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    const open = ['/version', '/healthz', '/livez', '/readyz'].includes(url.pathname);
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const user = auth !== undefined ? this.opts.users?.[auth] : undefined;
    rec.user = user?.name;
    if (!open && !user) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    try {
      const r = this.route(rec, body, user, req, res, logCut);
      if (r) send(r.status, r.body, r.headers);
    } catch (e) {
      if (e instanceof ApiError) send(e.status, e.body);
      else send(500, status(500, 'InternalError', String(e)));
    }
  }

  private route(rec: RecordedRequest, body: string, user: { name: string; verbs?: string[] } | undefined, req: IncomingMessage, res: ServerResponse, logCut?: Fault & { kind: 'log-cut' }): { status: number; body: unknown; headers?: Record<string, string> } | undefined {
    const p = rec.path;
    if (p === '/version') return ok({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
    if (['/healthz', '/livez', '/readyz'].includes(p)) return { status: 200, body: 'ok' };
    if (p === '/api') return ok({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.url.replace('https://', '') }] });
    if (p === '/apis') return ok({ kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (p === '/api/v1') return ok(resourceList());
    if (p === '/openapi/v3') return ok({ paths: { 'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=nixpodfake' } } });
    if (p === '/openapi/v3/api/v1') return ok(openApiV1());
    const ev = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(p);
    if (ev && rec.method === 'GET') {
      const name = /^involvedObject\.name=(.+)$/.exec(rec.query.fieldSelector ?? '')?.[1];
      return ok({ kind: 'EventList', apiVersion: 'v1', metadata: {}, items: this.podEvents.filter((e) => e.ns === ev[1] && (name === undefined || getPath(e.obj, ['involvedObject', 'name']) === name)).map((e) => e.obj) });
    }
    const m = /^\/(?:api\/v1|apis\/batch\/v1)\/(?:namespaces\/([^/]+)\/)?(namespaces|configmaps|pods|jobs|cronjobs)(?:\/([^/]+))?(?:\/(log|status))?$/.exec(p);
    if (!m || p.startsWith('/apis/') !== (API_VERSION(m[2] as Resource) !== 'v1')) return { status: 404, body: status(404, 'NotFound', 'the server could not find the requested resource') };
    const [, ns = '', resource, name, sub] = m as unknown as [string, string | undefined, Resource, string | undefined, string | undefined];
    if (resource !== 'namespaces' && ns === '' && name !== undefined) return { status: 404, body: status(404, 'NotFound', 'the server could not find the requested resource') };
    const verb = verbOf(rec.method, name, rec.query);
    if (user?.verbs && !user.verbs.includes(verb)) {
      const what = name ? `${resource} "${name}"` : resource;
      const where = ns ? ` in the namespace "${ns}"` : ' at the cluster scope';
      throw new ApiError(403, status(403, 'Forbidden', `${what} is forbidden: User "${user.name}" cannot ${verb} resource "${resource}" in API group ""${where}`));
    }
    if (sub === 'log') return this.logs(ns, name as string, rec.query, req, res, logCut);
    if (verb === 'watch') return this.watch(resource, ns, rec.query, req, res);
    if (verb === 'list') return ok({ kind: `${KINDS[resource]}List`, apiVersion: API_VERSION(resource), metadata: { resourceVersion: String(this.rv) }, items: this.list(resource, ns || undefined).filter((o) => matches(o, rec.query)).map(({ kind, apiVersion, ...o }) => o) });
    if (ns && resource !== 'namespaces' && !this.objects.has(`namespaces//${ns}`) && verb !== 'get' && verb !== 'delete') throw new ApiError(404, status(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' }));
    const dryRun = rec.query.dryRun === 'All';
    const manager = rec.query.fieldManager ?? (req.headers['user-agent'] ?? 'unknown').split('/')[0] ?? 'unknown';
    if (verb === 'get') return ok(this.mustGet(resource, ns, name as string));
    if (verb === 'delete') {
      // As the real server: DeleteOptions from the body when there is one (then the query's are not read), else from the query.
      const o = (body.trim() !== '' ? parseBody(body, rec.contentType) : { dryRun: rec.query.dryRun === 'All' ? ['All'] : undefined }) as { dryRun?: string[]; preconditions?: { uid?: string; resourceVersion?: string } };
      const cur = this.mustGet(resource, ns, name as string);
      const meta = cur.metadata as { uid?: string; resourceVersion?: string };
      for (const k of ['uid', 'resourceVersion'] as const) {
        const want = o.preconditions?.[k];
        if (want !== undefined && want !== meta[k]) throw new ApiError(409, status(409, 'Conflict', `Precondition failed: ${k === 'uid' ? 'UID' : 'ResourceVersion'} in precondition: ${want}, ${k === 'uid' ? 'UID' : 'ResourceVersion'} in object meta: ${meta[k] ?? ''}`, { name, kind: resource }));
      }
      if (o.dryRun?.includes('All')) return ok(cur);
      return this.remove(resource, ns, name as string);
    }
    const doc = parseBody(body, rec.contentType);
    if (verb === 'create') return this.create(resource, ns, doc, manager, dryRun);
    if (verb === 'update') return this.replace(resource, ns, name as string, doc, manager, dryRun);
    if (verb === 'patch') return this.patch(resource, ns, name as string, doc, rec.contentType ?? '', manager, rec.query.force === 'true', dryRun);
    return { status: 405, body: status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource') };
  }

  // --- objects ------------------------------------------------------------

  private put(resource: Resource, ns: string, name: string, s: Stored): void {
    this.objects.set(`${resource}/${ns}/${name}`, s);
  }

  private output(s: Stored): Obj {
    const o = structuredClone(s.obj);
    const meta = o.metadata as Obj;
    if (s.owners.length > 0) meta.managedFields = managedFields(s.owners);
    return o;
  }

  private mustGet(resource: Resource, ns: string, name: string): Obj {
    const o = this.get(resource, ns, name);
    if (!o) throw new ApiError(404, status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }));
    return o;
  }

  private fresh(resource: Resource, ns: string, doc: Obj): Obj {
    const meta = { ...(doc.metadata as Obj) };
    if (!meta.name && meta.generateName) meta.name = `${String(meta.generateName)}${randomUUID().slice(0, 5)}`;
    const o: Obj = { ...doc, apiVersion: API_VERSION(resource), kind: KINDS[resource], metadata: { ...meta, ...(ns ? { namespace: ns } : {}), uid: randomUUID(), creationTimestamp: now() } };
    if (resource === 'pods') {
      const spec = { ...(o.spec as Obj) };
      spec.restartPolicy ??= 'Always';
      spec.dnsPolicy ??= 'ClusterFirst';
      o.spec = spec;
      o.status = { phase: 'Pending', qosClass: 'BestEffort' };
    }
    if (resource === 'namespaces') o.status = { phase: 'Active' };
    return o;
  }

  private validate(resource: Resource, o: Obj): void {
    const meta = (o.metadata ?? {}) as Obj;
    const name = String(meta.name ?? '');
    const kind = KINDS[resource];
    const invalid = (field: string, msg: string) => new ApiError(422, status(422, 'Invalid', `${kind} "${name}" is invalid: ${field}: ${msg}`, { name, kind: resource, causes: [{ reason: 'FieldValueInvalid', message: msg, field }] }));
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) throw invalid('metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`);
    if (resource === 'configmaps') {
      const size = JSON.stringify(o.data ?? {}).length + JSON.stringify(o.binaryData ?? {}).length;
      if (size > 1024 * 1024) throw new ApiError(422, status(422, 'Invalid', `ConfigMap "${name}" is invalid: []: Too long: must have at most 1048576 bytes`, { name, kind: resource, causes: [{ reason: 'FieldValueTooLong', message: 'Too long: must have at most 1048576 bytes', field: '[]' }] }));
    }
    if (resource === 'pods') {
      const containers = getPath(o, ['spec', 'containers']);
      if (!Array.isArray(containers) || containers.length === 0) throw invalid('spec.containers', 'Required value');
      containers.forEach((c, i) => {
        if (!(c as Obj).image) throw invalid(`spec.containers[${i}].image`, 'Required value');
      });
    }
  }

  private store(resource: Resource, ns: string, o: Obj, owners: Owner[], type: 'ADDED' | 'MODIFIED'): Obj {
    const meta = o.metadata as Obj;
    for (const k of ['labels', 'annotations']) if (meta[k] && Object.keys(meta[k] as Obj).length === 0) delete meta[k];
    for (const k of ['data', 'binaryData']) if (o[k] && Object.keys(o[k] as Obj).length === 0) delete o[k];
    meta.resourceVersion = String(++this.rv);
    const s = { obj: o, owners };
    this.put(resource, ns, String(meta.name), s);
    const out = this.output(s);
    this.emit(type, resource, ns, out);
    return out;
  }

  private create(resource: Resource, ns: string, doc: Obj, manager: string, dryRun: boolean): { status: number; body: unknown } {
    const o = this.fresh(resource, ns, doc);
    const name = String((o.metadata as Obj).name);
    if (this.objects.has(`${resource}/${ns}/${name}`)) throw new ApiError(409, status(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource }));
    this.validate(resource, o);
    const owners = updateOwners(undefined, o, [], manager, now());
    if (dryRun) return { status: 201, body: { ...o, metadata: { ...(o.metadata as Obj), managedFields: managedFields(owners) } } };
    const out = this.store(resource, ns, o, owners, 'ADDED');
    if (resource === 'pods') this.startKubelet(ns, name);
    if (resource === 'jobs') this.startJob(ns, name);
    return { status: 201, body: out };
  }

  private replace(resource: Resource, ns: string, name: string, doc: Obj, manager: string, dryRun: boolean): { status: number; body: unknown } {
    const cur = this.objects.get(`${resource}/${ns}/${name}`);
    if (!cur) throw new ApiError(404, status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }));
    const rv = getPath(doc, ['metadata', 'resourceVersion']);
    if (rv !== undefined && rv !== getPath(cur.obj, ['metadata', 'resourceVersion'])) throw new ApiError(409, status(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, kind: resource }));
    const next: Obj = { ...structuredClone(doc), apiVersion: API_VERSION(resource), kind: KINDS[resource], metadata: { ...(doc.metadata as Obj), ...pick(cur.obj.metadata as Obj, ['uid', 'creationTimestamp', 'namespace']) }, ...(cur.obj.status ? { status: cur.obj.status } : {}) };
    return this.commit(resource, ns, name, cur, next, updateOwners(cur.obj, next, cur.owners, manager, now()), dryRun);
  }

  private patch(resource: Resource, ns: string, name: string, doc: Obj, contentType: string, manager: string, force: boolean, dryRun: boolean): { status: number; body: unknown } {
    const cur = this.objects.get(`${resource}/${ns}/${name}`);
    if (contentType.startsWith('application/apply-patch')) {
      if (!doc.metadata || getPath(doc, ['metadata', 'name']) !== name) throw new ApiError(400, status(400, 'BadRequest', 'the name of the object does not match the name on the URL'));
      const base = cur?.obj ?? this.fresh(resource, ns, { metadata: { name } });
      const r = serverSideApply(cur ? base : undefined, cur?.owners ?? [], doc, manager, force, now());
      if (r.conflicts) throw new ApiError(409, status(409, 'Conflict', conflictMessage(r.conflicts), { causes: r.conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with "${c.manager}"`, field: c.field })) }));
      const next = r.object as Obj;
      if (!cur) {
        const created = this.fresh(resource, ns, { ...next, metadata: { ...((next.metadata as Obj | undefined) ?? {}), name } });
        (created.metadata as Obj).uid = (base.metadata as Obj).uid;
        this.validate(resource, created);
        if (dryRun) return { status: 201, body: { ...created, metadata: { ...(created.metadata as Obj), managedFields: managedFields(r.owners ?? []) } } };
        const out = this.store(resource, ns, created, r.owners ?? [], 'ADDED');
        if (resource === 'pods') this.startKubelet(ns, name);
        if (resource === 'jobs') this.startJob(ns, name);
    if (resource === 'jobs') this.startJob(ns, name);
        return { status: 201, body: out };
      }
      return this.commit(resource, ns, name, cur, next, r.owners ?? [], dryRun);
    }
    if (!cur) throw new ApiError(404, status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }));
    if (!contentType.startsWith('application/merge-patch+json') && !contentType.startsWith('application/strategic-merge-patch+json')) {
      throw new ApiError(415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`));
    }
    const next = mergePatch(structuredClone(cur.obj), doc) as Obj;
    return this.commit(resource, ns, name, cur, next, updateOwners(cur.obj, next, cur.owners, manager, now()), dryRun);
  }

  private commit(resource: Resource, ns: string, name: string, cur: Stored, next: Obj, owners: Owner[], dryRun: boolean): { status: number; body: unknown } {
    this.validate(resource, next);
    if (resource === 'pods') podImmutability(name, cur.obj, next);
    const same = deepEqual(strip(cur.obj), strip(next));
    // A no-op write keeps resourceVersion and the managers' times.
    if (same) return { status: 200, body: this.output(cur) };
    if (dryRun) return { status: 200, body: { ...next, metadata: { ...(next.metadata as Obj), managedFields: managedFields(owners) } } };
    return { status: 200, body: this.store(resource, ns, next, owners, 'MODIFIED') };
  }

  private remove(resource: Resource, ns: string, name: string): { status: number; body: unknown } {
    const s = this.objects.get(`${resource}/${ns}/${name}`);
    if (!s) throw new ApiError(404, status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }));
    this.objects.delete(`${resource}/${ns}/${name}`);
    const out = this.output(s);
    this.emit('DELETED', resource, ns, out);
    if (resource === 'namespaces') for (const k of [...this.objects.keys()]) if (k.split('/')[1] === name) this.objects.delete(k);
    return ok(out);
  }

  // --- watch, kubelet, logs -----------------------------------------------

  private emit(type: string, resource: Resource, ns: string, obj: Obj): void {
    this.events.push({ rv: this.rv, type, resource, ns, obj });
    for (const w of this.watchers) w({ type, resource, ns, obj });
  }

  private watch(resource: Resource, ns: string, query: Record<string, string>, req: IncomingMessage, res: ServerResponse): undefined {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const want = (r: Resource, n: string, o: Obj) => r === resource && (ns === '' || n === ns) && matches(o, query);
    const write = (type: string, obj: Obj) => res.write(`${JSON.stringify({ type, object: obj })}\n`);
    const from = Number(query.resourceVersion ?? '0');
    if (from > 0) for (const e of this.events) if (e.rv > from && want(e.resource, e.ns, e.obj)) write(e.type, e.obj);
    if (!(from > 0)) for (const o of this.list(resource, ns || undefined)) if (matches(o, query)) write('ADDED', o);
    const w = (e: { type: string; resource: Resource; ns: string; obj: Obj }) => want(e.resource, e.ns, e.obj) && write(e.type, e.obj);
    this.watchers.add(w);
    const end = () => {
      this.watchers.delete(w);
      res.end();
    };
    req.on('close', () => this.watchers.delete(w));
    const t = setTimeout(end, Number(query.timeoutSeconds ?? '30') * 1000);
    this.timers.add(t);
    return undefined;
  }

  private startKubelet(ns: string, name: string): void {
    const s = this.objects.get(`pods/${ns}/${name}`);
    const plan = this.opts.kubelet ? this.opts.kubelet(s?.obj ?? {}) : { lines: [], exitCode: 0 };
    if (!plan) return;
    if (plan.stuck) {
      // Stays Pending with a waiting reason, and says so in an event (an image that cannot be pulled, say).
      const stuck = plan.stuck;
      const t = setTimeout(() => {
        const cur = this.objects.get(`pods/${ns}/${name}`);
        if (!cur) return;
        this.podEvents.push({ ns, obj: { type: 'Warning', reason: 'Failed', message: stuck.message, involvedObject: { kind: 'Pod', name, namespace: ns }, lastTimestamp: now() } });
        this.store('pods', ns, { ...cur.obj, status: { ...(cur.obj.status as Obj), containerStatuses: [{ name: 'main', ready: false, restartCount: 0, state: { waiting: { reason: stuck.reason, message: stuck.message } } }] } }, cur.owners, 'MODIFIED');
      }, 20);
      this.timers.add(t);
      return;
    }
    const later = (ms: number, f: () => void) => {
      const t = setTimeout(f, ms);
      this.timers.add(t);
    };
    const setStatus = (st: Obj) => {
      const cur = this.objects.get(`pods/${ns}/${name}`);
      if (!cur) return;
      this.store('pods', ns, { ...cur.obj, status: { ...(cur.obj.status as Obj), ...st } }, cur.owners, 'MODIFIED');
    };
    later(20, () => setStatus({ phase: 'Running', startTime: now(), containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: { startedAt: now() } } }] }));
    later(20 + (plan.runMs ?? 60), () => {
      const terminated = { exitCode: plan.exitCode, reason: plan.reason ?? (plan.exitCode === 0 ? 'Completed' : 'Error'), startedAt: now(), finishedAt: now() };
      setStatus({ phase: plan.exitCode === 0 ? 'Succeeded' : 'Failed', containerStatuses: [{ name: 'main', ready: false, restartCount: 0, state: { terminated } }] });
      this.finishJobOf(ns, name, plan.exitCode);
    });
  }

  /** The Job controller, in short: one Pod per Job (backoffLimit 0), labelled and owned as the real one does it. */
  private startJob(ns: string, name: string): void {
    const job = this.objects.get(`jobs/${ns}/${name}`)?.obj;
    if (!job) return;
    const uid = String(getPath(job, ['metadata', 'uid']));
    const tpl = (getPath(job, ['spec', 'template']) ?? {}) as Obj;
    const pod = `${name}-${randomUUID().slice(0, 5)}`;
    const labels = { ...((getPath(tpl, ['metadata', 'labels']) ?? {}) as Obj), 'controller-uid': uid, 'job-name': name };
    const meta = { name: pod, labels, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid, controller: true, blockOwnerDeletion: true }] };
    this.store('pods', ns, this.fresh('pods', ns, { metadata: meta, spec: tpl.spec as Obj }), [], 'ADDED');
    this.store('jobs', ns, { ...job, status: { startTime: now(), active: 1 } }, this.objects.get(`jobs/${ns}/${name}`)?.owners ?? [], 'MODIFIED');
    this.startKubelet(ns, pod);
  }

  private finishJobOf(ns: string, pod: string, exitCode: number): void {
    const owner = (getPath(this.objects.get(`pods/${ns}/${pod}`)?.obj ?? {}, ['metadata', 'ownerReferences']) as Obj[] | undefined)?.[0];
    const cur = owner?.kind === 'Job' ? this.objects.get(`jobs/${ns}/${String(owner.name)}`) : undefined;
    if (!cur) return;
    const condition = exitCode === 0 ? { type: 'Complete', status: 'True' } : { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    const counts = exitCode === 0 ? { succeeded: 1, completionTime: now() } : { failed: 1 };
    this.store('jobs', ns, { ...cur.obj, status: { ...(cur.obj.status as Obj), active: 0, ...counts, conditions: [{ ...condition, lastTransitionTime: now() }] } }, cur.owners, 'MODIFIED');
  }

  private logs(ns: string, name: string, query: Record<string, string>, req: IncomingMessage, res: ServerResponse, cut?: Fault & { kind: 'log-cut' }): { status: number; body: unknown } | undefined {
    const pod = this.mustGet('pods', ns, name);
    const containers = ((getPath(pod, ['spec', 'containers']) ?? []) as { name?: string }[]).map((c) => c.name);
    const container = query.container ?? containers[0];
    if (!containers.includes(container)) throw new ApiError(400, status(400, 'BadRequest', `container ${query.container} is not valid for pod ${name}`));
    const phase = getPath(pod, ['status', 'phase']);
    if (phase === 'Pending') throw new ApiError(400, status(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`));
    const plan = this.opts.kubelet?.(pod);
    const lines = plan?.lines ?? [];
    const startMs = Date.parse(String(getPath(pod, ['status', 'startTime']) ?? new Date(0).toISOString()));
    const every = plan?.lineEveryMs ?? 0;
    const stamp = (i: number) => new Date(startMs + (plan?.sameStamp ? 0 : i)).toISOString().replace(/Z$/, '000000Z');
    // The real apiserver reads sinceTime to the second.
    const since = query.sinceTime ? Math.floor(Date.parse(query.sinceTime) / 1000) * 1000 : -Infinity;
    const text = (i: number) => `${query.timestamps === 'true' ? `${stamp(i)} ` : ''}${lines[i]}\n`;
    res.writeHead(200, { 'content-type': 'text/plain' });
    let next = 0;
    let written = 0;
    const finished = () => phase !== 'Running' || ['Succeeded', 'Failed'].includes(String(getPath(this.get('pods', ns, name) ?? {}, ['status', 'phase'])));
    const pump = (): boolean => {
      for (; next < lines.length && startMs + next * every <= Date.now(); next++) {
        if (cut && written >= cut.afterLines) {
          if (cut.how === 'reset') req.socket.destroy();
          else if (cut.how === 'end') res.end();
          return true;
        }
        if (startMs + (plan?.sameStamp ? 0 : next) < since) continue;
        res.write(text(next));
        written++;
      }
      if (next >= lines.length && (query.follow !== 'true' || finished())) {
        res.end();
        return true;
      }
      return false;
    };
    if (pump()) return undefined;
    const t = setInterval(() => {
      if (res.destroyed || pump()) clearInterval(t);
    }, 10);
    this.intervals.add(t);
    req.on('close', () => clearInterval(t));
    return undefined;
  }
}


class ApiError extends Error {
  constructor(readonly status: number, readonly body: Obj) {
    super(String(body.message));
  }
}

function status(code: number, reason: string, message: string, details?: Obj): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

const ok = (body: unknown) => ({ status: 200, body });
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const pick = (o: Obj, keys: string[]): Obj => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

function strip(o: Obj): Obj {
  const c = structuredClone(o);
  const m = c.metadata as Obj;
  delete m.resourceVersion;
  delete m.managedFields;
  return c;
}

function verbOf(method: string, name: string | undefined, query: Record<string, string>): string {
  if (method === 'GET') return query.watch === 'true' || query.watch === '1' ? 'watch' : name ? 'get' : 'list';
  return ({ POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? method.toLowerCase();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8').on('data', (d: string) => (s += d));
    req.on('end', () => resolve(s));
  });
}

function parseBody(body: string, contentType: string | undefined): Obj {
  if (contentType?.includes('protobuf')) throw new ApiError(415, status(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml'));
  try {
    // apply-patch+yaml bodies are JSON in practice (kubectl and nixpod both send JSON): try that first.
    const doc = (contentType?.includes('yaml') && !/^\s*[{[]/.test(body) ? parseYaml(body) : JSON.parse(body)) as unknown;
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
    return doc as Obj;
  } catch (e) {
    throw new ApiError(400, status(400, 'BadRequest', `error decoding the request body: ${(e as Error).message}`));
  }
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Obj = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Label selectors `a=b`, `a!=b`, `a`, `!a`; field selectors on metadata.name, metadata.namespace, status.phase. */
function matches(o: Obj, query: Record<string, string>): boolean {
  const labels = (getPath(o, ['metadata', 'labels']) ?? {}) as Record<string, string>;
  for (const term of (query.labelSelector ?? '').split(',').filter(Boolean)) {
    const m = /^(!?)([^!=]+?)(?:(!=|==|=)(.*))?$/.exec(term.trim());
    if (!m) return false;
    const [, not, k = '', op, v] = m;
    if (!op && (not ? k in labels : !(k in labels))) return false;
    if (op === '!=' && labels[k] === v) return false;
    if ((op === '=' || op === '==') && labels[k] !== v) return false;
  }
  for (const term of (query.fieldSelector ?? '').split(',').filter(Boolean)) {
    const [k = '', v] = term.split(/==?/);
    const path = { 'metadata.name': ['metadata', 'name'], 'metadata.namespace': ['metadata', 'namespace'], 'status.phase': ['status', 'phase'] }[k];
    if (path && getPath(o, path) !== v) return false;
  }
  return true;
}

const ALLOWED_POD_CHANGES = 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function podImmutability(name: string, before: Obj, after: Obj): void {
  const mask = (o: Obj) => {
    const spec = structuredClone((o.spec ?? {}) as Obj);
    for (const k of ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds']) delete spec[k];
    for (const list of ['containers', 'initContainers']) if (Array.isArray(spec[list])) spec[list] = (spec[list] as Obj[]).map(({ image, ...c }) => c);
    return spec;
  };
  if (!deepEqual(mask(before), mask(after))) {
    throw new ApiError(422, status(422, 'Invalid', `Pod "${name}" is invalid: ${ALLOWED_POD_CHANGES}`, { name, kind: 'Pod', causes: [{ reason: 'FieldValueForbidden', message: ALLOWED_POD_CHANGES.replace(/^spec: /, ''), field: 'spec' }] }));
  }
}

function resourceList(): Obj {
  const r = (name: string, kind: string, namespaced: boolean, verbs: string[], shortNames?: string[]) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs, ...(shortNames ? { shortNames } : {}) });
  const all = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
  return {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      r('namespaces', 'Namespace', false, all, ['ns']),
      r('configmaps', 'ConfigMap', true, all, ['cm']),
      r('pods', 'Pod', true, all, ['po']),
      { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
      { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ],
  };
}

/** Only what kubectl's validation looks for: PATCH operations that take `fieldValidation`, per kind. */
function openApiV1(): Obj {
  const op = (kind: string) => ({ patch: { 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind }, parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }], responses: {} } });
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: {
      '/api/v1/namespaces/{name}': op('Namespace'),
      '/api/v1/namespaces/{namespace}/configmaps/{name}': op('ConfigMap'),
      '/api/v1/namespaces/{namespace}/pods/{name}': op('Pod'),
    },
    components: { schemas: {} },
  };
}
