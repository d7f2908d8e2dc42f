/**
 * The name and value rules of the Kubernetes API server (apimachinery's
 * validation package, as of 1.24), so that nixpod rejects what the server
 * would, before any request. Each returns a reason, or undefined when valid.
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
// resource.Quantity: a signed decimal number, then a binary or decimal SI suffix or an exponent.
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export function dnsLabel(v: string): string | undefined {
  if (v.length > 63) return 'must be at most 63 characters';
  return DNS_LABEL.test(v) ? undefined : "must be lowercase letters, digits and '-', starting and ending with a letter or digit (a DNS label)";
}

export function dnsSubdomain(v: string): string | undefined {
  if (v.length > 253) return 'must be at most 253 characters';
  return DNS_SUBDOMAIN.test(v) ? undefined : "must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS subdomain)";
}

/** A label or annotation key: `[prefix/]name`, the prefix a DNS subdomain. */
export function qualifiedName(v: string): string | undefined {
  const parts = v.split('/');
  if (parts.length > 2) return "must be a name with at most one '/' (prefix/name)";
  const name = parts[parts.length - 1] as string;
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    if (prefix === '') return "the prefix before '/' must not be empty";
    const p = dnsSubdomain(prefix);
    if (p) return `its prefix '${prefix}' ${p}`;
  }
  if (name === '') return 'the name must not be empty';
  if (name.length > 63) return 'the name part must be at most 63 characters';
  return QUALIFIED_NAME.test(name) ? undefined : "the name part must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
}

export function labelValue(v: string): string | undefined {
  if (v === '') return undefined;
  if (v.length > 63) return 'must be at most 63 characters';
  return QUALIFIED_NAME.test(v) ? undefined : "must be empty, or letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
}

export function envName(v: string): string | undefined {
  if (!ENV_NAME.test(v)) return "must be letters, digits, '_', '-' and '.', not starting with a digit";
  return v === '.' || v.startsWith('..') ? "must not be '.' or start with '..'" : undefined;
}

/** A key in a Secret or ConfigMap. */
export function configKey(v: string): string | undefined {
  if (v.length > 253) return 'must be at most 253 characters';
  if (!CONFIG_KEY.test(v)) return "must be letters, digits, '-', '_' and '.'";
  return v === '.' || v.startsWith('..') ? "must not be '.' or start with '..'" : undefined;
}

export function quantity(v: string): string | undefined {
  if (!QUANTITY.test(v)) return 'is not a quantity (e.g. 500m, 2, 256Mi, 1Gi, 1.5e3)';
  return v.startsWith('-') && quantityValue(v) !== 0 ? 'must not be negative' : undefined;
}

/** A quantity's value (for comparing a request with its limit; float precision is enough for that). */
export function quantityValue(v: string): number {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(v);
  if (!m) return NaN;
  const suffix = m[2] ?? '';
  const exp = /^[eE]([+-]?\d+)$/.exec(suffix);
  return Number(m[1]) * (exp ? 10 ** Number(exp[1]) : (SUFFIX[suffix] ?? NaN));
}

const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** A container resource name: cpu, memory, ephemeral-storage, hugepages-SIZE, or a domain-qualified extended resource. */
export function resourceName(v: string): string | undefined {
  if (STANDARD_RESOURCES.has(v)) return undefined;
  if (v.startsWith('hugepages-')) {
    const size = v.slice('hugepages-'.length);
    const bytes = quantity(size) ? NaN : quantityValue(size);
    return Number.isInteger(bytes) && bytes > 0 ? undefined : 'must name a page size in whole bytes (e.g. hugepages-2Mi, hugepages-1Gi)';
  }
  if (!v.includes('/')) return 'must be cpu, memory, ephemeral-storage, hugepages-SIZE, or a domain-qualified extended resource (e.g. nvidia.com/gpu)';
  const q = qualifiedName(v);
  if (q) return q;
  // An extended resource: `requests.NAME` must be a qualified name too (the quota name), and NAME may not start with it.
  if (!v.includes('kubernetes.io/') && (v.startsWith('requests.') || v.length + 'requests.'.length > 253)) return "is not an extended resource name Kubernetes takes (it must not start with 'requests.')";
  return undefined;
}

export function imageName(v: string): string | undefined {
  if (v === '') return 'must not be empty';
  return v.trim() !== v || /\s/.test(v) ? 'must not contain whitespace' : undefined;
}

/** The fields an env fieldRef may name in a container (Kubernetes 1.24). */
const FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP', 'status.podIPs'];

export function fieldPath(v: string): string | undefined {
  if (FIELD_PATHS.includes(v)) return undefined;
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(v);
  if (sub) return qualifiedName(sub[2] ?? '');
  return `is not a field an env var can read (${FIELD_PATHS.join(', ')}, metadata.labels['KEY'], metadata.annotations['KEY'])`;
}

/** An IANA time zone name as time.LoadLocation reads it; "Local" means the controller's zone and is refused. */
export function timeZone(v: string): string | undefined {
  if (v.toLowerCase() === 'local') return "must name a zone ('Local' is refused: it depends on the controller's machine)";
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return /^[A-Za-z0-9_+\-/]+$/.test(v) ? undefined : 'is not a time zone name (e.g. Europe/Berlin, UTC)';
  } catch {
    return 'is not a time zone name (e.g. Europe/Berlin, UTC)';
  }
}

export const INT32_MAX = 2 ** 31 - 1;
