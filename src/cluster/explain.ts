import { NixpodError } from '../core/errors.js';
import { appendTo } from '../core/group.js';
import { CancelledError, describeAbort, isTimeout } from './cancel.js';
import type { ApiResponse } from './http.js';
import { isMalformedObject, TransportError } from './http.js';

/** A failed request, said in one line with what to do about it. */
export interface Explained {
  message: string;
  hint: string;
  /**
   * What kind of failure, for callers that act on it (--replace) or say it
   * once for all objects (a missing or terminating namespace, a cancel).
   */
  kind: 'auth' | 'forbidden' | 'no-namespace' | 'terminating' | 'conflict' | 'immutable' | 'foreign' | 'invalid' | 'not-found' | 'transport' | 'not-json' | 'cancelled' | 'other';
}

/** Where the request was made, for hints that name only flags the command has. */
export interface ExplainContext {
  command: 'apply' | 'diff' | 'run' | 'wait';
  createNamespace?: boolean;
  dryRun?: 'none' | 'client' | 'server';
}

/** Kinds that are about the namespace or the command, not one object: said once. */
export const SAID_ONCE: ReadonlySet<Explained['kind']> = new Set(['no-namespace', 'terminating', 'cancelled']);

/**
 * Errors about the namespace (or a cancel) are the same for every object: each
 * is said once. So is a failure that is the connection's or the credentials',
 * not the object's (unreachable, 401), and a refusal of the same verb on the
 * same resource (403): its first object is named, with how many more it
 * stopped.
 */
export function sayOnce(errors: readonly Explained[]): Explained[] {
  const out: Explained[] = [];
  const first = new Map<string, { at: number; more: number }>();
  for (const e of errors) {
    const key = `${e.kind}\n${SAME_FOR_ALL.has(e.kind) ? sameForAll(e.message) : e.message}\n${e.hint}`;
    const seen = first.get(key);
    if (seen) {
      seen.more++;
      continue;
    }
    first.set(key, { at: out.length, more: 0 });
    out.push(e);
  }
  for (const { at, more } of first.values()) {
    const e = out[at] as Explained;
    if (more > 0 && SAME_FOR_ALL.has(e.kind)) out[at] = { ...e, message: `${e.message} (and ${more} more object${more === 1 ? '' : 's'})` };
  }
  return out;
}

/** A message without the object that leads it: `pod/x: cannot reach …` → `cannot reach …`. */
export const withoutObject = (message: string): string => message.slice(message.indexOf(': ') + 2);

/** A grouped message without its object: the name that leads it, and the one a 403 quotes (`pods "x" is forbidden`). */
const sameForAll = (message: string): string => withoutObject(message).replace(/^(\S+) "[^"]*" is forbidden:/, '$1 is forbidden:');

/** Failures that are the same for every object but for its name, which leads the message: of the connection, the credentials, or RBAC (a verb on a resource). */
export const SAME_FOR_ALL: ReadonlySet<Explained['kind']> = new Set(['transport', 'auth', 'forbidden']);

interface Status {
  message?: string;
  reason?: string;
  details?: { kind?: string; name?: string; causes?: { field?: string; message?: string; reason?: string; type?: string }[] };
}

function statusOf(body: string): Status | undefined {
  try {
    const s = JSON.parse(body) as Status;
    return s && typeof s === 'object' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** What came back instead of JSON: `HTTP 200, text/html: "<html><head>…"`. */
export function describeBody(r: ApiResponse): string {
  const type = String(r.headers['content-type'] ?? 'no content-type');
  const start = r.body.replace(/\s+/g, ' ').trim().slice(0, 60);
  return `HTTP ${r.status}, ${type}: ${start === '' ? 'an empty body' : JSON.stringify(start + (r.body.length > 60 ? '…' : ''))}`;
}

const NOT_JSON_HINT = 'something other than the API server answered (a proxy, a load balancer or a login page): check the server URL in the kubeconfig and any proxy settings';

/** Something other than the API server answered where JSON was expected. */
export class NotJsonError extends NixpodError {
  constructor(r: ApiResponse, what: string) {
    super('cluster', `${what}: expected JSON from the API server, got ${describeBody(r)}`, NOT_JSON_HINT);
  }
}

/** The JSON of an answer, or a NotJsonError saying what came back instead. */
export function readJson<T>(r: ApiResponse, what: string): T {
  try {
    return JSON.parse(r.body) as T;
  } catch {
    throw new NotJsonError(r, what);
  }
}

/** The API server's refusal to change a Pod's spec (fields, or its containers): only a new Pod can have it. */
export const POD_IMMUTABLE = /pod updates may not (?:change fields|add or remove containers)/;

/** `what` names the object: `pod/job-1`. */
export function explainResponse(r: ApiResponse, what: string, namespace: string, ctx: ExplainContext = { command: 'apply' }): Explained {
  const s = statusOf(r.body);
  if (!s) return { kind: 'not-json', message: `${what}: the API server answered ${describeBody(r)}`, hint: NOT_JSON_HINT };
  const msg = s.message ?? `HTTP ${r.status}`;
  if (r.status === 401) return { kind: 'auth', message: `${what}: the cluster did not accept the credentials (401 Unauthorized)`, hint: 'log in again or refresh the token in your kubeconfig (kubectl would say: You must be logged in to the server)' };
  if (r.status === 403) return forbidden(msg, what, namespace);
  if (r.status === 404 && s.details?.kind === 'namespaces') return missingNamespace(s.details.name ?? namespace, ctx);
  if (r.status === 404) return { kind: 'not-found', message: `${what}: ${msg}`, hint: 'check the name and namespace' };
  if (r.status === 409 && /conflict/i.test(msg) && s.details?.causes?.some((c) => c.reason === 'FieldManagerConflict' || c.type === 'FieldManagerConflict' || /conflict with/.test(c.message ?? ''))) {
    return { kind: 'conflict', message: `${what}: ${conflictText(msg, s.details.causes)}`, hint: 'another field manager owns these fields: re-run with --force-conflicts to take them over' };
  }
  if (r.status === 422 && POD_IMMUTABLE.test(msg)) {
    return { kind: 'immutable', message: `${what}: the Pod already exists with a different spec, and a Pod's spec cannot change`, hint: ctx.command === 'apply' ? 're-run with --replace to delete the Pod and create it again' : 'nixpod apply --replace would delete the Pod and create it again' };
  }
  if (r.status === 422 && /^Job\.batch .*spec\.template: .*field is immutable/s.test(msg)) {
    return { kind: 'immutable', message: `${what}: the Job already exists with a different template, and a Job's template cannot change`, hint: `give a changed Job a new name (the built-in template names it after the script's content; keep {{json name}} in your --templates), or delete the old one first (kubectl delete -n ${namespace} ${what}); --replace is for Pods only` };
  }
  if (r.status === 422) {
    const fields = (s.details?.causes ?? []).map((c) => c.field).filter(Boolean);
    return { kind: 'invalid', message: `${what}: ${msg}`, hint: fields.length > 0 ? `fix ${fields.join(', ')}: in nixpod.yaml or the script's #! nixpod lines, or in your --templates` : 'fix the object: in nixpod.yaml or the script\'s #! nixpod lines, or in your --templates' };
  }
  if (isMalformedObject(r)) return { kind: 'other', message: `${what}: the API server could not read the object nixpod sent (a field of the wrong type): ${msg}`, hint: 'check the settings and templates that set that field (nixpod check finds most such values; quote numbers meant as strings)' };
  if (r.status === 429 || r.status >= 500) return { kind: 'other', message: `${what}: the API server kept failing (${r.status}${s.reason ? ` ${s.reason}` : ''}): ${msg}`, hint: 'nothing was left half-done: re-run the same command once the cluster is healthy' };
  return { kind: 'other', message: `${what}: ${msg} (HTTP ${r.status})`, hint: 'see the message above' };
}

function forbidden(msg: string, what: string, namespace: string): Explained {
  if (/PodSecurity|pod security|violates/i.test(msg)) {
    return { kind: 'forbidden', message: `${what}: rejected by admission: ${msg}`, hint: `the nixos/nix image runs as root: allow it in namespace "${namespace}" (label pod-security.kubernetes.io/enforce=privileged), or use --templates with a Pod that satisfies the policy` };
  }
  // The NamespaceLifecycle admission plugin: `unable to create new content in namespace x because it is being terminated`.
  const terminating = /in namespace (\S+) because it is being terminated/.exec(msg);
  if (terminating) {
    return { kind: 'terminating', message: `namespace "${terminating[1]}" is being deleted (Terminating): nothing new can be created in it`, hint: 'wait until it is gone (kubectl get namespace shows it), then create it again, or use another namespace' };
  }
  return { kind: 'forbidden', message: `${what}: ${msg}`, hint: 'ask for RBAC permission for that verb on that resource, or use a kubeconfig/context that has it' };
}

function missingNamespace(ns: string, ctx: ExplainContext): Explained {
  const create = `kubectl create namespace ${ns}`;
  if (ctx.command === 'apply' && ctx.createNamespace && ctx.dryRun === 'server') {
    return { kind: 'no-namespace', message: `namespace "${ns}" does not exist yet: --create-namespace would create it, but a server dry run creates nothing, so the objects in it cannot be checked`, hint: `run without --dry-run=server, or create it first (${create})` };
  }
  const how = ctx.command === 'apply' ? `create it first (${create}), or pass --create-namespace` : ctx.command === 'diff' ? `create it first (${create}), or let nixpod apply --create-namespace create it` : `create it first (${create}), or choose another with -n`;
  return { kind: 'no-namespace', message: `namespace "${ns}" does not exist`, hint: how };
}

/**
 * The whole conflict list, one line: the message has one `conflict(s) with "m":`
 * block per manager with `- .field` lines; the causes have each field.
 */
function conflictText(msg: string, causes: NonNullable<Status['details']>['causes']): string {
  const lines = msg.split('\n');
  if (lines.length > 1) return lines.map((l) => l.trim()).filter(Boolean).join(' ').replace(/:\s*-\s+/g, ': ').replace(/\s+-\s+/g, ', ').replace(/([^:]) (conflicts? with ")/g, '$1; $2');
  const byManager = new Map<string, string[]>();
  for (const c of causes ?? []) if (c.field) appendTo(byManager, c.message ?? '', c.field);
  if (byManager.size === 0 || /: \./.test(msg)) return msg;
  return `${msg}: ${[...byManager].map(([m, f]) => `${m}: ${f.join(', ')}`).join('; ')}`;
}

/** `done`: what the command does to each object, for the cancelled case (`applied`, `compared`). */
export function explainError(e: unknown, what: string, server: string, done = 'applied'): Explained {
  if (e instanceof CancelledError) return { kind: 'cancelled', message: `${describeAbort(e.reason)}: stopped before everything was ${done}`, hint: isTimeout(e.reason) ? `give the command more time with --timeout${done === 'applied' ? '; re-running converges' : ''}` : done === 'applied' ? 're-run the same command to finish: it converges' : 're-run the same command' };
  if (e instanceof TransportError) {
    const tls = /certificate|self.signed|unable to verify/i.test(e.message);
    return {
      kind: 'transport',
      message: `${what}: cannot reach ${server}: ${e.message.replace(/^cannot reach the API server: /, '')}`,
      hint: tls ? 'the server certificate is not trusted: check certificate-authority in the kubeconfig' : /(^|: )proxy /.test(e.message) ? 'check the proxy (proxy-url in the kubeconfig, or HTTPS_PROXY): that it runs, and its user and password' : 'check that the cluster is up and the kubeconfig points at it; re-running converges',
    };
  }
  if (e instanceof NixpodError) return { kind: e instanceof NotJsonError ? 'not-json' : 'other', message: e.message, hint: e.hint ?? 're-run the same command; it converges' };
  return { kind: 'other', message: `${what}: ${e instanceof Error ? e.message : String(e)}`, hint: 're-run the same command; it converges' };
}

