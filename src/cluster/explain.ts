import type { ApiResponse } from './http.js';
import { TransportError } from './http.js';

/** A failed request, said in one line with what to do about it. */
export interface Explained {
  message: string;
  hint: string;
  /** What kind of failure, for callers that act on it (--replace). */
  kind: 'auth' | 'forbidden' | 'no-namespace' | 'conflict' | 'immutable' | 'invalid' | 'not-found' | 'transport' | 'other';
}

interface Status {
  message?: string;
  reason?: string;
  details?: { kind?: string; name?: string; causes?: { field?: string; message?: string; reason?: string }[] };
}

function statusOf(body: string): Status {
  try {
    const s = JSON.parse(body) as Status;
    return s && typeof s === 'object' ? s : {};
  } catch {
    return {};
  }
}

/** `what` names the object: `pod/job-1`. */
export function explainResponse(r: ApiResponse, what: string, namespace: string): Explained {
  const s = statusOf(r.body);
  const msg = s.message ?? `HTTP ${r.status}`;
  if (r.status === 401) return { kind: 'auth', message: `${what}: the cluster did not accept the credentials (401 Unauthorized)`, hint: 'log in again or refresh the token in your kubeconfig (kubectl would say: You must be logged in to the server)' };
  if (r.status === 403) {
    if (/PodSecurity|pod security|violates/i.test(msg)) {
      return { kind: 'forbidden', message: `${what}: rejected by admission: ${msg}`, hint: `the nixos/nix image runs as root: allow it in namespace "${namespace}" (label pod-security.kubernetes.io/enforce=privileged), or use --templates with a Pod that satisfies the policy` };
    }
    return { kind: 'forbidden', message: `${what}: ${msg}`, hint: 'ask for RBAC permission for that verb on that resource, or use a kubeconfig/context that has it' };
  }
  if (r.status === 404 && s.details?.kind === 'namespaces') return { kind: 'no-namespace', message: `${what}: namespace "${s.details.name ?? namespace}" does not exist`, hint: 'create it first, or pass --create-namespace' };
  if (r.status === 404) return { kind: 'not-found', message: `${what}: ${msg}`, hint: 'check the name and namespace' };
  if (r.status === 409 && /conflict/i.test(msg) && s.details?.causes?.some((c) => c.reason === 'FieldManagerConflict' || /conflict with/.test(c.message ?? ''))) {
    return { kind: 'conflict', message: `${what}: ${msg.split('\n')[0]}`, hint: 'another field manager owns these fields: re-run with --force-conflicts to take them over' };
  }
  if (r.status === 422 && /pod updates may not change fields/.test(msg)) {
    return { kind: 'immutable', message: `${what}: the Pod already exists with a different spec, and a Pod's spec cannot change`, hint: 're-run with --replace to delete the Pod and create it again' };
  }
  if (r.status === 422) {
    const fields = (s.details?.causes ?? []).map((c) => c.field).filter(Boolean);
    return { kind: 'invalid', message: `${what}: ${msg}`, hint: fields.length > 0 ? `fix ${fields.join(', ')} (in your --templates, or the script's name)` : 'fix the object (in your --templates)' };
  }
  if (r.status === 429 || r.status >= 500) return { kind: 'other', message: `${what}: the API server kept failing (${r.status}${s.reason ? ` ${s.reason}` : ''}): ${msg}`, hint: 'nothing was left half-done: re-run the same command once the cluster is healthy' };
  return { kind: 'other', message: `${what}: ${msg} (HTTP ${r.status})`, hint: 'see the message above' };
}

export function explainError(e: unknown, what: string, server: string): Explained {
  if (e instanceof TransportError) {
    const tls = /certificate|self.signed|unable to verify/i.test(e.message);
    return {
      kind: 'transport',
      message: `${what}: cannot reach ${server}: ${e.message.replace(/^cannot reach the API server: /, '')}`,
      hint: tls ? 'the server certificate is not trusted: check certificate-authority in the kubeconfig' : 'check that the cluster is up and the kubeconfig points at it; re-running converges',
    };
  }
  return { kind: 'other', message: `${what}: ${e instanceof Error ? e.message : String(e)}`, hint: 're-run the same command; it converges' };
}
