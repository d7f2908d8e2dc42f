import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createRenderer } from '../../src/core/render/manifests.js';
import { compileTemplates } from '../../src/core/render/templates.js';
import type { Settings } from '../../src/core/settings/types.js';
import { loadTemplates } from '../../src/io/templates.js';
import { ROOT, runCli, script, tempTree } from '../helpers/cli.js';
import { kubectl, kubeSkip, newNamespace, realKube } from '../helpers/real-kube.js';
import { checked, withSettings } from '../helpers/settings.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Resource, affinity and sysctl rules the API server applies: each bad case is
 * an error of `nixpod check` at its place, and the real kube-apiserver refuses
 * the Pod it would make; each good neighbour passes both.
 */
interface Case {
  name: string;
  settings: Partial<Settings>;
  /** The rule nixpod reports, or undefined for a good neighbour (no error; the server accepts it). */
  rule?: string;
}

const ZONE = { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] };
const node = (terms: unknown): Partial<Settings> => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } as never });
const sysctls = (list: unknown): Partial<Settings> => ({ podSecurityContext: { sysctls: list } as never });

const CASES: Case[] = [
  { name: 'hugepages alone', settings: { resources: { limits: { 'hugepages-2Mi': '4Mi' } } }, rule: 'hugepages-need-cpu-or-memory' },
  { name: 'hugepages with memory', settings: { resources: { limits: { 'hugepages-2Mi': '4Mi', memory: '64Mi' } } } },
  { name: 'hugepages request below its limit', settings: { resources: { requests: { 'hugepages-2Mi': '2Mi', memory: '64Mi' }, limits: { 'hugepages-2Mi': '4Mi', memory: '64Mi' } } }, rule: 'resource-request-not-limit' },
  { name: 'hugepages not a whole number of pages', settings: { resources: { limits: { 'hugepages-2Mi': '3Mi', memory: '64Mi' } } }, rule: 'bad-quantity' },
  { name: 'extended resource requested without a limit', settings: { resources: { requests: { 'example.com/gpu': '1' } } }, rule: 'resource-needs-limit' },
  { name: 'extended resource limit only', settings: { resources: { limits: { 'example.com/gpu': '2' } } } },
  { name: 'extended resource request and limit differ', settings: { resources: { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '2' } } }, rule: 'resource-request-not-limit' },
  { name: 'extended resource in milli-units', settings: { resources: { limits: { 'example.com/gpu': '500m' } } }, rule: 'bad-quantity' },
  { name: 'cpu request below its limit (may overcommit)', settings: { resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } } } },
  { name: 'no node selector terms', settings: node([]), rule: 'bad-value' },
  { name: 'a node selector term', settings: node([{ matchExpressions: [ZONE] }]) },
  { name: 'In without values', settings: node([{ matchExpressions: [{ key: 'zone', operator: 'In' }] }]), rule: 'bad-value' },
  { name: 'Exists with values', settings: node([{ matchExpressions: [{ key: 'zone', operator: 'Exists', values: ['a'] }] }]), rule: 'bad-value' },
  { name: 'Gt with two values', settings: node([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['1', '2'] }] }]), rule: 'bad-value' },
  { name: 'an unknown operator', settings: node([{ matchExpressions: [{ key: 'zone', operator: 'Equals', values: ['a'] }] }]), rule: 'bad-value' },
  { name: 'a bad label key in an expression', settings: node([{ matchExpressions: [{ key: '-zone', operator: 'Exists' }] }]), rule: 'bad-value' },
  { name: 'matchFields on a label', settings: node([{ matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['a'] }] }]), rule: 'bad-value' },
  { name: 'matchFields with two names', settings: node([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a', 'b'] }] }]), rule: 'bad-value' },
  { name: 'matchFields with one name', settings: node([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }]) },
  { name: 'preferred weight 0', settings: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchExpressions: [ZONE] } }] } } as never }, rule: 'bad-value' },
  { name: 'preferred weight 100', settings: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [ZONE] } }] } } as never } },
  { name: 'pod anti-affinity without topologyKey', settings: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'x' } } }] } } as never }, rule: 'bad-value' },
  { name: 'pod anti-affinity with a label selector operator of nodes', settings: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] } }] } } as never }, rule: 'bad-value' },
  { name: 'pod anti-affinity by host', settings: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } }] } } as never } },
  { name: 'a sysctl name in capitals', settings: sysctls([{ name: 'Net.Core.Somaxconn', value: '1024' }]), rule: 'bad-value' },
  { name: 'a sysctl set twice', settings: sysctls([{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '0' }]), rule: 'bad-value' },
  { name: 'a safe sysctl', settings: sysctls([{ name: 'net.ipv4.tcp_syncookies', value: '1' }]) },
  { name: 'an unsafe sysctl (the server takes it; the kubelet would not): a warning', settings: sysctls([{ name: 'net.core.somaxconn', value: '1024' }]) },
  // Found by review: each of these disagreed with the server.
  { name: 'a sysctl written with slashes (1.24 takes dots only)', settings: sysctls([{ name: 'net/ipv4/tcp_syncookies', value: '1' }]), rule: 'bad-value' },
  { name: 'a sysctl without a value', settings: sysctls([{ name: 'net.ipv4.tcp_syncookies' }]) },
  { name: 'sysctls: null', settings: sysctls(null) },
  { name: 'a Gt value written as a number', settings: node([{ matchExpressions: [{ key: 'cpus', operator: 'Gt', values: [4] }] }]), rule: 'wrong-type' },
  { name: 'a label selector value written as a number', settings: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { tier: 1 } } }] } } as never }, rule: 'wrong-type' },
  { name: 'a namespace written as a number', settings: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', namespaces: [1] }] } } as never }, rule: 'wrong-type' },
  { name: 'a toleration value written as a number', settings: { tolerations: [{ key: 'gpu', operator: 'Equal', value: 1, effect: 'NoSchedule' }] as never }, rule: 'wrong-type' },
  { name: 'a weighted pod affinity term without weight', settings: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } } as never }, rule: 'missing-key' },
  { name: 'a weighted pod affinity term without its term', settings: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }] } } as never }, rule: 'missing-key' },
  { name: 'nodeAffinity: null', settings: { affinity: { nodeAffinity: null } as never } },
  { name: 'Exists with values: null', settings: node([{ matchExpressions: [{ key: 'zone', operator: 'Exists', values: null }] }]) },
  { name: 'a limit set to null', settings: { resources: { limits: { cpu: null, memory: '64Mi' } } as never } },
  { name: 'a name with kubernetes.io/ inside is native (overcommit, milli-units)', settings: { resources: { requests: { 'notkubernetes.io/gpu': '500m' } } } },
  { name: 'a resource of the kubernetes.io domain', settings: { resources: { requests: { 'kubernetes.io/foo': '1' } } } },
  { name: 'hugepages of size 0', settings: { resources: { limits: { 'hugepages-0': '0', memory: '64Mi' } } }, rule: 'bad-value' },
  { name: 'an extended resource named requests.*', settings: { resources: { limits: { 'requests.example.com/foo': '1' } } }, rule: 'bad-value' },
];

async function check(settings: Partial<Settings>): Promise<{ code: number; stdout: string }> {
  const dir = tempTree({ '.git/HEAD': '', 'a.sh': script('#! nix-shell -i bash -p hello'), 'nixpod.yaml': stringify({ defaults: settings }) });
  return runCli(['check', '.'], dir);
}

describe('settings the API server refuses: nixpod check finds them first', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const r = await check(c.settings);
      if (c.rule === undefined) {
        assert.equal(r.code, 0, r.stdout);
        assert.doesNotMatch(r.stdout, /: error: /);
      } else {
        assert.equal(r.code, 1, r.stdout);
        assert.match(r.stdout, new RegExp(`^nixpod\\.yaml:\\d+:\\d+: error: .*\\[${c.rule}\\]$`, 'm'));
        assert.doesNotMatch(r.stdout, /undefined/);
      }
    });
  }
  it('warns of an unsafe sysctl, naming the kubelet flag', async () => {
    const r = await check(sysctls([{ name: 'net.core.somaxconn', value: '1024' }]));
    assert.match(r.stdout, /warning: 'net\.core\.somaxconn' is not a safe sysctl.*\[unsafe-sysctl\]/);
    assert.match(r.stdout, /--allowed-unsafe-sysctls/);
  });
});

describe('real kube-apiserver: it refuses exactly the Pods nixpod check refuses', { skip: kubeSkip }, () => {
  let ns: string;
  let kubeconfig: string;
  let render: (s: Partial<Settings>) => Obj;
  before(async () => {
    kubeconfig = realKube().kubeconfig;
    ns = newNamespace(kubeconfig, 'rules');
    const templates = compileTemplates(await loadTemplates(undefined, ROOT));
    render = (s) => (createRenderer({ namespace: ns }, templates)(withSettings(checked('a.sh', script('#! nix-shell -i bash -p hello')), s)).objects() as Obj[])[1] as Obj;
  });
  for (const c of CASES) {
    it(`${c.name}: ${c.rule === undefined ? 'accepted' : 'refused'}`, () => {
      const pod = render(c.settings);
      assert.equal(pod.kind, 'Pod');
      // --validate=false: the verdict of the server, not of kubectl's client-side schema check.
      const r = kubectl(kubeconfig, ['apply', '--server-side', '--field-manager=nixpod', '--dry-run=server', '--validate=false', '-f', '-'], JSON.stringify(pod));
      if (c.rule === undefined) assert.equal(r.code, 0, r.stderr);
      else {
        assert.notEqual(r.code, 0, `the server accepted what nixpod refuses: ${JSON.stringify(c.settings)}`);
        assert.match(r.stderr, /is invalid|Invalid value|Required value|Duplicate value|Forbidden|failed to create typed patch object/);
      }
    });
  }
});
