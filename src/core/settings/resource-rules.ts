/**
 * What the API server refuses in a container's resources once the layers are
 * merged (requests may come from one layer and limits from another), as
 * Kubernetes 1.24's ValidateResourceRequirements does it, after defaulting
 * (a missing request takes its limit's value).
 */
import type { ResourceRequirements } from './types.js';
import { quantityValue } from './validate.js';

export interface ResourceProblem {
  rule: string;
  message: string;
  hint: string;
}

const QOS = new Set(['cpu', 'memory']);

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
/** Native: no domain, or one containing kubernetes.io/ (helper.IsNativeResource). Only native resources other than hugepages may be overcommitted. */
const isNative = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');
const overcommitAllowed = (name: string): boolean => isNative(name) && !isHugePages(name);
/** Extended resources (e.g. nvidia.com/gpu) are counted in whole units. */
const isExtended = (name: string): boolean => !isNative(name);

export function resourceProblems(r: ResourceRequirements): ResourceProblem[] {
  const limits = r.limits ?? {};
  const requests = { ...limits, ...(r.requests ?? {}) }; // the server's defaulting
  const out: ResourceProblem[] = [];
  for (const [name, q] of Object.entries(requests)) {
    const limit = limits[name];
    const v = quantityValue(q);
    if (limit === undefined && !overcommitAllowed(name)) {
      out.push({ rule: 'resource-needs-limit', message: `${name} is requested (${q}) without a limit: Kubernetes needs both for ${isHugePages(name) ? 'hugepages' : 'extended resources'}`, hint: `set limits.${name}: ${q} (a request of it must equal its limit)` });
    } else if (limit !== undefined && !overcommitAllowed(name) && v !== quantityValue(limit)) {
      out.push({ rule: 'resource-request-not-limit', message: `the ${name} request (${q}) differs from its limit (${limit}): Kubernetes needs them equal for ${isHugePages(name) ? 'hugepages' : 'extended resources'}`, hint: `set both to the same value, or leave the request out (it defaults to the limit)` });
    } else if (limit !== undefined && v > quantityValue(limit)) {
      out.push({ rule: 'request-above-limit', message: `the ${name} request (${q}) is above its limit (${limit}): Kubernetes refuses the Pod`, hint: 'lower the request or raise the limit' });
    }
  }
  for (const [part, m] of [['requests', requests], ['limits', limits]] as const) {
    for (const [name, q] of Object.entries(m)) {
      if (part === 'requests' && r.requests?.[name] === undefined) continue; // a defaulted request: reported at its limit
      if (isExtended(name) && !Number.isInteger(quantityValue(q))) out.push({ rule: 'bad-quantity', message: `${part}.${name}: '${q}' must be a whole number (extended resources are counted in units)`, hint: `e.g. ${name}: 1` });
      const page = isHugePages(name) ? quantityValue(name.slice('hugepages-'.length)) : NaN;
      if (page > 0 && quantityValue(q) % page !== 0) out.push({ rule: 'bad-quantity', message: `${part}.${name}: '${q}' is not a whole number of ${name.slice('hugepages-'.length)} pages`, hint: `use a multiple of ${name.slice('hugepages-'.length)}` });
    }
  }
  const names = Object.keys(requests);
  if (names.some(isHugePages) && !names.some((n) => QOS.has(n))) {
    out.push({ rule: 'hugepages-need-cpu-or-memory', message: 'hugepages are set without cpu or memory: Kubernetes refuses hugepages alone', hint: 'also set a cpu or memory request or limit (e.g. limits.memory: 256Mi)' });
  }
  return out;
}
