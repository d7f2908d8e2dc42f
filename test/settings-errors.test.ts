import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, script, tempTree } from './helpers/cli.js';

/**
 * Bad settings, each reported at its exact place with its rule: `nixpod check`
 * on a folder holding a nixpod.yaml and one script (`a.sh`, its `#! nixpod`
 * words start at column 11 of line 3).
 */
const SH = (nixpod: string, shell = '#! nix-shell -i bash -p hello'): string => script(`${shell}\n#! nixpod ${nixpod}`);
const PLAIN = script('#! nix-shell -i bash -p hello');

interface Case {
  name: string;
  yaml?: string;
  sh?: string;
  /** `path:line:col: severity` and the rule. */
  at: string;
  rule: string;
  hint?: RegExp;
}

const CASES: Case[] = [
  { name: 'unknown key (did you mean)', yaml: 'defaults:\n  namspace: prod\n', at: 'nixpod.yaml:2:3: error', rule: 'unknown-key', hint: /did you mean 'namespace'/ },
  { name: 'unknown key in a rule', yaml: "scripts:\n  - match: a.sh\n    serviceAcountName: x\n", at: 'nixpod.yaml:3:5: error', rule: 'unknown-key', hint: /serviceAccountName/ },
  { name: 'a setting at the top level', yaml: 'image: nixos/nix\n', at: 'nixpod.yaml:1:1: error', rule: 'unknown-key', hint: /under defaults/ },
  { name: 'wrong type: quoted number', yaml: "defaults:\n  backoffLimit: '3'\n", at: 'nixpod.yaml:2:17: error', rule: 'wrong-type', hint: /without quotes/ },
  { name: 'wrong type: yes for a boolean', yaml: 'defaults:\n  suspend: yes\n', at: 'nixpod.yaml:2:12: error', rule: 'wrong-type', hint: /true or false/ },
  { name: 'wrong type: labels as a list', yaml: 'defaults:\n  labels: [a, b]\n', at: 'nixpod.yaml:2:11: error', rule: 'wrong-type' },
  { name: 'negative integer', yaml: 'defaults:\n  ttlSecondsAfterFinished: -1\n', at: 'nixpod.yaml:2:28: error', rule: 'bad-value' },
  { name: 'bad quantity in nixpod.yaml', yaml: 'defaults:\n  resources:\n    limits:\n      memory: 1GB\n', at: 'nixpod.yaml:4:15: error', rule: 'bad-quantity' },
  { name: 'bad quantity on a #! nixpod line', sh: SH('cpu=0.5.1'), at: 'a.sh:3:15: error', rule: 'bad-quantity' },
  { name: 'unknown resource name', yaml: 'defaults:\n  resources:\n    requests: {gpu: 1}\n', at: 'nixpod.yaml:3:16: error', rule: 'bad-value' },
  { name: 'request above limit', yaml: 'defaults:\n  resources:\n    requests: {memory: 2Gi}\n    limits: {memory: 1Gi}\n', at: 'nixpod.yaml:2:3: error', rule: 'request-above-limit' },
  { name: 'bad cron: 61 minutes', yaml: "defaults:\n  kind: cronjob\n  schedule: '61 * * * *'\n", at: 'nixpod.yaml:3:13: error', rule: 'bad-cron' },
  { name: 'bad cron: four fields, on a line', sh: SH('kind=cronjob schedule="0 3 * *"'), at: 'a.sh:3:34: error', rule: 'bad-cron' },
  { name: 'bad cron: unknown descriptor', sh: SH('kind=cronjob schedule=@fortnightly'), at: 'a.sh:3:33: error', rule: 'bad-cron' },
  { name: 'cronjob without schedule', sh: SH('kind=cronjob'), at: 'a.sh:3:11: error', rule: 'missing-schedule' },
  { name: 'bad enum (did you mean)', sh: SH('kind=cronjobs schedule=@daily'), at: 'a.sh:3:16: error', rule: 'bad-value', hint: /'cronjob'/ },
  { name: 'bad env name in nixpod.yaml', yaml: 'defaults:\n  env:\n    - name: 1BUCKET\n      value: x\n', at: 'nixpod.yaml:3:13: error', rule: 'bad-env-name' },
  { name: 'bad env name on a line', sh: SH('env=MY+VAR=1'), at: 'a.sh:3:15: error', rule: 'bad-env-name' },
  { name: 'secret value inline on a line', sh: SH('secret-env=PGPASSWORD=hunter2'), at: 'a.sh:3:22: error', rule: 'inline-secret', hint: /secret-env=PGPASSWORD:SECRET\/KEY/ },
  { name: 'secret value inline in nixpod.yaml', yaml: 'defaults:\n  env:\n    - name: PGPASSWORD\n      secretKeyRef: hunter2\n', at: 'nixpod.yaml:4:21: error', rule: 'inline-secret' },
  { name: 'credential-looking literal', yaml: 'defaults:\n  env: {API_TOKEN: abc123}\n', at: 'nixpod.yaml:2:9: warning', rule: 'literal-credential', hint: /secretKeyRef/ },
  { name: '--pure without --keep for a set var', sh: SH('env=BUCKET=b', '#! nix-shell -i bash -p hello --pure'), at: 'a.sh:3:11: error', rule: 'pure-drops-env', hint: /#! nix-shell --keep BUCKET/ },
  { name: '--pure without --keep, var from nixpod.yaml', yaml: 'defaults:\n  env: [{name: BUCKET, value: b}]\n', sh: script('#! nix-shell -i bash -p hello --pure'), at: 'nixpod.yaml:2:9: error', rule: 'pure-drops-env' },
  { name: '--keep that nothing sets', sh: script('#! nix-shell -i bash -p hello --pure --keep PGHOST'), at: 'a.sh:2:45: warning', rule: 'keep-unset' },
  { name: 'envFrom on a --pure script', yaml: 'defaults:\n  envFrom: [{secretRef: {name: creds}}]\n', sh: script('#! nix-shell -i bash -p hello --pure'), at: 'nixpod.yaml:2:3: warning', rule: 'pure-env-from' },
  { name: 'a glob matching nothing', yaml: "scripts:\n  - match: 'backups/*.sh'\n    kind: job\n", at: 'nixpod.yaml:2:12: warning', rule: 'glob-matches-nothing' },
  { name: 'an unclosed glob', yaml: "scripts:\n  - match: '{a,b.sh'\n", at: 'nixpod.yaml:2:12: error', rule: 'bad-glob' },
  { name: 'a rule without match', yaml: 'scripts:\n  - kind: job\n', at: 'nixpod.yaml:2:5: error', rule: 'missing-key' },
  { name: 'bad label key', yaml: "defaults:\n  labels: {'-team': x}\n", at: 'nixpod.yaml:2:12: error', rule: 'bad-label' },
  { name: 'bad label value on a line', sh: SH('label=team=a/b'), at: 'a.sh:3:17: error', rule: 'bad-label' },
  { name: 'bad annotation key', yaml: "defaults:\n  annotations: {'a/b/c': x}\n", at: 'nixpod.yaml:2:17: error', rule: 'bad-annotation' },
  { name: 'structured key on a #! nixpod line', sh: SH('kind=job tolerations=x'), at: 'a.sh:3:20: error', rule: 'config-only', hint: /nixpod\.yaml/ },
  { name: 'config name on a #! nixpod line', sh: SH('serviceAccountName=reader'), at: 'a.sh:3:11: error', rule: 'unknown-key', hint: /service-account=/ },
  { name: 'unknown word key (did you mean)', sh: SH('kind=job memroy=1Gi'), at: 'a.sh:3:20: error', rule: 'unknown-key', hint: /'memory'/ },
  { name: 'a word without =', sh: SH('cronjob'), at: 'a.sh:3:11: error', rule: 'bad-setting-word' },
  { name: 'a setting twice on the lines', sh: SH('kind=job kind=pod'), at: 'a.sh:3:20: error', rule: 'duplicate-setting' },
  { name: 'unterminated quote on a #! nixpod line', sh: SH('schedule="0 3 * * *'), at: 'a.sh:3:20: error', rule: 'unterminated-quote' },
  { name: 'duplicate keys in nixpod.yaml', yaml: 'defaults:\n  kind: job\n  kind: pod\n', at: 'nixpod.yaml:3:3: error', rule: 'duplicate-key' },
  { name: 'YAML syntax error', yaml: 'defaults:\n  labels: {a: b\n', at: 'nixpod.yaml:3:1: error', rule: 'config-syntax' },
  { name: 'bad namespace', yaml: 'defaults:\n  namespace: Prod_1\n', at: 'nixpod.yaml:2:14: error', rule: 'bad-name' },
  { name: 'bad Secret name', sh: SH('secret-env=PGPASSWORD:pg_auth/password'), at: 'a.sh:3:22: error', rule: 'bad-name' },
  { name: 'bad service account', sh: SH('service-account=Reports'), at: 'a.sh:3:27: error', rule: 'bad-name' },
  { name: 'bad fieldRef', sh: SH('field-env=NODE:spec.node'), at: 'a.sh:3:21: error', rule: 'bad-value' },
  { name: 'bad time zone', yaml: "defaults:\n  timeZone: Mars/Olympus\n", at: 'nixpod.yaml:2:13: error', rule: 'bad-value' },
  { name: 'unknown securityContext field', yaml: 'defaults:\n  securityContext: {runAsNonroot: true}\n', at: 'nixpod.yaml:2:21: error', rule: 'unknown-key', hint: /runAsNonRoot/ },
  { name: 'unknown Nix setting', yaml: 'defaults:\n  nixConfig: {substituter: https://cache.example}\n', at: 'nixpod.yaml:2:15: warning', rule: 'unknown-nix-setting', hint: /substitute/ },
  // Rules the API server applies (found by review: each of these was a 422 after check said 0 errors).
  { name: 'tolerationSeconds without NoExecute', yaml: 'defaults:\n  tolerations:\n    - {key: a, operator: Equal, value: b, effect: NoSchedule, tolerationSeconds: 5}\n', at: 'nixpod.yaml:3:82: error', rule: 'bad-value' },
  { name: 'runAsUser out of range', yaml: 'defaults:\n  securityContext: {runAsUser: -1}\n', at: 'nixpod.yaml:2:32: error', rule: 'bad-value' },
  { name: 'fsGroup not a whole number', yaml: 'defaults:\n  podSecurityContext: {fsGroup: 1.5}\n', at: 'nixpod.yaml:2:33: error', rule: 'bad-value' },
  { name: 'privileged but may not escalate', yaml: 'defaults:\n  securityContext: {privileged: true, allowPrivilegeEscalation: false}\n', at: 'nixpod.yaml:2:65: error', rule: 'bad-value' },
];

describe('settings: bad input, at its place', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const dir = tempTree({ '.git/HEAD': '', 'a.sh': c.sh ?? PLAIN, ...(c.yaml !== undefined ? { 'nixpod.yaml': c.yaml } : {}) });
      const r = await runCli(['check', '.'], dir);
      const lines = r.stdout.split('\n');
      const i = lines.findIndex((l) => l.startsWith(`${c.at}: `) && l.endsWith(`[${c.rule}]`));
      assert.ok(i >= 0, `expected ${c.at}: … [${c.rule}] in:\n${r.stdout}`);
      if (c.hint) assert.match(lines[i + 1] ?? '', c.hint);
      assert.equal(r.code, c.at.endsWith('error') ? 1 : r.code);
    });
  }
  it('has at least 25 cases', () => assert.ok(CASES.length >= 25));
});

describe('an invalid schedule on the script line', () => {
  it('is one bad-cron finding, not also missing-schedule', async () => {
    const dir = tempTree({ 'g.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p hello\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\n#! nixpod kind=cronjob schedule="60 3 * * *"\necho hi\n' });
    const r = await runCli(['check', 'g.sh'], dir);
    assert.deepEqual([...r.stdout.matchAll(/\[([a-z-]+)\]$/gm)].map((m) => m[1]), ['bad-cron']);
  });
});
