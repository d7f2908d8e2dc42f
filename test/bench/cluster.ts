import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { FakeKube } from '../helpers/fake-kube/server.js';

/** Wall time of one process, asynchronously (the fake API server runs in this process). */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env, maxBuffer: 1 << 28 }, (e, _out, stderr) => (e ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr}`)) : resolve(Number(process.hrtime.bigint() - t0) / 1e6))),
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * 200 generated scripts applied to the loopback API server by nixpod and, in
 * the same run, the same rendered YAML by `kubectl apply --server-side -f`:
 * a first apply (fresh namespace) and a re-apply with nothing changed.
 */
export async function clusterBench(work: string, scripts: number, rounds: number, latencyMs: number): Promise<[string, number, string][]> {
  const fake = await new FakeKube({ users: { bench: { name: 'bench' } }, kubelet: () => null, latencyMs }).start();
  try {
    const dir = join(work, `cluster-${scripts}-${latencyMs}`);
    mkdirSync(dir);
    for (let i = 0; i < scripts; i++) writeFileSync(join(dir, `job-${i}.sh`), `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq curl\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\necho ${i}\n`);
    const kc = join(work, 'kubeconfig');
    writeFileSync(kc, fake.kubeconfig('bench'));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work };
    const yaml = join(work, `all-${latencyMs}.yaml`);
    await new Promise<void>((resolve, reject) => execFile(process.execPath, [BIN, 'render', dir], { maxBuffer: 1 << 28 }, (e, out) => (e ? reject(e) : (writeFileSync(yaml, out), resolve()))));
    const t = { nixFirst: [] as number[], nixAgain: [] as number[], kubeFirst: [] as number[], kubeAgain: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      for (const ns of [`nixpod-${r}`, `kubectl-${r}`]) fake.applyAs('bench', 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const nix = [process.execPath, [BIN, 'apply', '--kubeconfig', kc, '-n', `nixpod-${r}`, dir]] as const;
      const kube = ['kubectl', ['apply', '--server-side', '--kubeconfig', kc, '-n', `kubectl-${r}`, '-f', yaml]] as const;
      t.nixFirst.push(await timed(nix[0], [...nix[1]], env));
      t.nixAgain.push(await timed(nix[0], [...nix[1]], env));
      t.kubeFirst.push(await timed(kube[0], [...kube[1]], env));
      t.kubeAgain.push(await timed(kube[0], [...kube[1]], env));
    }
    const row = (what: string, n: number[], k: number[]): [string, number, string][] => [
      [`kubectl apply --server-side ${scripts * 2} objects, ${what}, ${latencyMs} ms round trip`, median(k), ''],
      [`nixpod apply ${scripts} scripts, ${what}, ${latencyMs} ms round trip`, median(n), `${(median(n) / median(k)).toFixed(2)}x kubectl (target: at most 0.5x)`],
    ];
    return [...row('first apply', t.nixFirst, t.kubeFirst), ...row('re-apply, nothing changed', t.nixAgain, t.kubeAgain)];
  } finally {
    await fake.close();
  }
}
