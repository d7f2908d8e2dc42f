/**
 * `npm run bench`: whole-process timings of the built CLI, each beside
 * `node -e 0` measured in the same run (the machines are shared and noisy,
 * so compare ratios and differences, not absolute numbers across runs).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';
import { clusterBench } from './cluster.js';

interface Sample { ms: number; rssMb: number }

const work = mkdtempSync(join(tmpdir(), 'nixpod-bench-'));
const rssFile = join(work, 'rss');
const hook = join(work, 'rss-hook.mjs');
// Peak RSS of the measured process itself, written as it exits.
writeFileSync(hook, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);

function run(args: string[]): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', hook, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

function median(samples: Sample[]): Sample {
  const by = (k: keyof Sample) => [...samples].sort((a, b) => a[k] - b[k])[Math.floor(samples.length / 2)]![k];
  return { ms: by('ms'), rssMb: by('rssMb') };
}

function measure(args: string[], runs: number): Sample {
  run(args); // warm the file cache
  return median(Array.from({ length: runs }, () => run(args)));
}

function generate(n: number): string {
  const dir = join(work, `scripts-${n}`);
  mkdirSync(dir, { recursive: true });
  const pkgs = ['curl', 'jq', 'git', 'python3Packages.requests', '"python3.withPackages (ps: [ ps.requests ps.pyyaml ])"', 'kubectl', 'openssl'];
  for (let i = 0; i < n; i++) {
    const p = [pkgs[i % pkgs.length], pkgs[(i * 3 + 1) % pkgs.length]].join(' ');
    const body = `set -euo pipefail\n\techo "job ${i}: {{ not a template }}"   \ncurl -s https://example.com/${i} | jq '.items[] | {name: .name}'\n`.repeat(1 + (i % 5));
    writeFileSync(join(dir, `job-${String(i).padStart(5, '0')}.sh`), `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p ${p}\n#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\n${body}`);
  }
  return dir;
}

/** A nixpod.yaml with defaults and `rules` match rules over the generated job-NNNNN.sh names. */
function nixpodYaml(rules: number): string {
  const lines = ['defaults:', '  labels:', '    team: bench', '  nixConfig:', '    substituters: https://cache.example.org https://cache.nixos.org', 'scripts:'];
  for (let i = 0; i < rules; i++) {
    lines.push(`  - match: "job-00${i % 10}*.sh"`, '    labels:', `      rule: r${i}`, '    resources:', '      requests:', `        memory: ${64 * (1 + (i % 4))}Mi`);
    if (i % 5 === 0) lines.push('    serviceAccountName: bench-runner');
    if (i % 7 === 0) lines.push('    kind: job', `    backoffLimit: ${i % 3}`);
  }
  return lines.join('\n') + '\n';
}

const rows: [string, Sample, string][] = [];
const base = measure(['-e', '0'], 15);
rows.push(['node -e 0 (baseline)', base, '']);
const version = measure([BIN, '--version'], 15);
rows.push(['nixpod --version', version, `+${(version.ms - base.ms).toFixed(0)} ms over baseline (target: within 50 ms)`]);
const one = measure([BIN, 'render', generate(1)], 15);
rows.push(['nixpod render 1 script', one, `+${(one.ms - base.ms).toFixed(0)} ms over baseline: the fixed cost of a run`]);
for (const [n, runs, target] of [[1000, 11, 'target: < 400 ms'], [10000, 3, 'target: < 3000 ms and 300 MB']] as const) {
  const dir = generate(n);
  const s = measure([BIN, 'render', dir], runs);
  rows.push([`nixpod render ${n} scripts`, s, `${(s.ms / base.ms).toFixed(1)}x baseline; ${target}`]);
  const c = measure([BIN, 'check', dir], runs);
  rows.push([`nixpod check ${n} scripts`, c, `${(c.ms / base.ms).toFixed(1)}x baseline`]);
}
// Settings: the same 1,000 scripts with a nixpod.yaml of 20 `match` rules (target: at most 10 % more).
// Each script matches several rules, so resolution, the larger context and the skeleton shapes all count.
{
  const plain = generate(1000);
  const configured = join(work, 'configured-1000');
  cpSync(plain, configured, { recursive: true });
  writeFileSync(join(configured, 'nixpod.yaml'), nixpodYaml(20));
  const without = measure([BIN, 'render', plain], 11);
  const withConfig = measure([BIN, 'render', configured], 11);
  rows.push(['nixpod render 1000 scripts, no nixpod.yaml', without, `${(without.ms / base.ms).toFixed(1)}x baseline`]);
  rows.push(['nixpod render 1000 scripts, nixpod.yaml of 20 match rules', withConfig, `${(((withConfig.ms - without.ms) / without.ms) * 100).toFixed(1)} % more (target: at most 10 %)`]);
}
// check --nix: 1,000 scripts against the fixture nixpkgs, with the real nix-instantiate (skipped without it).
if (spawnSync('nix-instantiate', ['--version']).status === 0) {
  const dir = join(work, 'nix-1000');
  mkdirSync(dir);
  const fixture = join(ROOT, 'test/fixtures/nixpkgs');
  const pkgs = ['jq', 'curl', 'git', 'python3Packages.requests', '"python3.withPackages (ps: [ ps.requests ps.pyyaml ])"', 'kubectl', 'openssl', 'hello', 'haskellPackages.aeson'];
  for (let i = 0; i < 1000; i++) {
    writeFileSync(join(dir, `job-${i}.sh`), `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p ${pkgs[i % pkgs.length]} ${pkgs[(i * 5 + 2) % pkgs.length]}\n#! nix-shell -I nixpkgs=${fixture}\necho ${i}\n`);
  }
  const plain = measure([BIN, 'check', dir], 5);
  const nix = measure([BIN, 'check', '--nix', dir], 5);
  rows.push(['nixpod check 1000 scripts (same set, no --nix)', plain, `${(plain.ms / base.ms).toFixed(1)}x baseline`]);
  rows.push(['nixpod check --nix 1000 scripts', nix, `+${(nix.ms - plain.ms).toFixed(0)} ms for Nix; target: < 3000 ms`]);
}
// The diff behind `nixpod diff` for a new 20,000-line script (0.6 MB: live is missing, every line is new)
// and for one changed line in it; the quadratic table this replaced took 12 s and 3.1 GB here.
{
  const big = join(work, 'diff-20k.mjs');
  const diffJs = join(ROOT, 'dist/src/core/diff.js');
  writeFileSync(big, `import { unifiedDiff } from ${JSON.stringify(diffJs)};\nconst t = Array.from({ length: 20000 }, (_, i) => '    echo "line ' + i + ' of a long script"').join('\\n') + '\\n';\nif (unifiedDiff('', t, 'a', 'b').length < t.length) process.exit(1);\nif (!unifiedDiff(t, t.replace('line 10000 ', 'changed '), 'a', 'b').includes('+    echo "changed ')) process.exit(1);\n`);
  const d = measure([big], 5);
  rows.push(['diff of a new 20,000-line script, and of one changed line', d, `+${(d.ms - base.ms).toFixed(0)} ms and +${(d.rssMb - base.rssMb).toFixed(0)} MB over baseline`]);
}
// Against the in-process API server: with no latency at all (CPU-bound, the server's own work dominates),
// and with a 2 ms round trip per request, closer to any real cluster.
const cluster = spawnSync('kubectl', ['version', '--client']).status === 0 ? [...(await clusterBench(work, 200, 3, 0)), ...(await clusterBench(work, 200, 3, 2))] : [];
rmSync(work, { recursive: true, force: true });

console.log('| run | wall ms (median) | peak RSS MB | note |\n| --- | ---: | ---: | --- |');
for (const [name, s, note] of rows) console.log(`| ${name} | ${s.ms.toFixed(0)} | ${s.rssMb.toFixed(0)} | ${note} |`);
for (const [name, ms, note] of cluster) console.log(`| ${name} | ${ms.toFixed(0)} | | ${note} |`);
