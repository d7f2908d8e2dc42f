/**
 * podSecurityContext.sysctls as Kubernetes 1.24 validates them (validateSysctls:
 * a name in sysctl syntax, at most 253 characters, each once; the value may be
 * left out), and the
 * kubelet's own rule: only the "safe" sysctls run unless the node allows more.
 */
import { issue, isMap, type Issue, type ValuePath } from './issues.js';
import { knownFields, wrongType } from './values.js';

const SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
// 1.24 takes '.' only (the '/' form came with 1.25's AllowSysctlRegexContainSlash; the 1.24 server refuses it).
const SYSCTL = new RegExp(`^(${SEGMENT}\\.)*${SEGMENT}$`);
// The kubelet's safe set in 1.24 (pkg/kubelet/sysctl/safe_sysctls.go); any other is refused at the node
// unless the kubelet runs with --allowed-unsafe-sysctls.
const SAFE = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']);

export function checkSysctls(v: unknown, path: ValuePath): Issue[] {
  if (v === null) return [];
  if (!Array.isArray(v)) return [wrongType(path, 'a list of {name, value}', v)];
  const seen = new Set<string>();
  const out: Issue[] = [];
  v.forEach((s, i) => {
    const at = [...path, i];
    if (!isMap(s)) return void out.push(wrongType(at, 'a map {name, value}', s));
    out.push(...knownFields(s, ['name', 'value'], at, 'a sysctl'));
    const name = s.name;
    if (s.value !== undefined && s.value !== null && typeof s.value !== 'string') out.push(wrongType([...at, 'value'], 'a string', s.value));
    if (typeof name !== 'string' || name === '') return void out.push(issue(typeof name === 'string' ? [...at, 'name'] : at, 'bad-value', 'a sysctl needs a name'));
    if (name.length > 253 || !SYSCTL.test(name)) out.push(issue([...at, 'name'], 'bad-value', `'${name}' is not a sysctl name (lowercase segments of letters, digits, '-' and '_', joined by '.'; at most 253 characters)`, name.includes('/') ? `write it with dots: ${name.replaceAll('/', '.')} (Kubernetes 1.24 refuses '/')` : undefined));
    else if (seen.has(name)) out.push(issue([...at, 'name'], 'bad-value', `sysctl '${name}' is set twice`, 'keep one'));
    else if (!SAFE.has(name)) out.push(issue([...at, 'name'], 'unsafe-sysctl', `'${name}' is not a safe sysctl: the kubelet refuses the Pod (SysctlForbidden) unless the node allows it with --allowed-unsafe-sysctls`, `safe ones: ${[...SAFE].join(', ')}`, { severity: 'warning' }));
    seen.add(name);
  });
  return out;
}
