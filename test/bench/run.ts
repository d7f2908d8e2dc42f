/**
 * `npm run bench [-- SECTION...]`: whole-process timings of the built CLI,
 * each beside a floor measured in the same run: `node -e 0`, and a bare read
 * (Node reading each file and printing it). The machines are shared and noisy,
 * so compare ratios and differences, not absolute numbers across runs.
 * Sections: startup, scale, check, settings, nix, diff, cluster (default: all).
 * NIXPOD_BENCH_BIN=path/to/nixpod.mjs measures another build beside the same floors.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN as BUILT, ROOT } from '../helpers/cli.js';
import { clusterBench } from './cluster.js';
import { BARE_READ, generateScripts, nixpodYaml } from './scripts.js';

interface Sample { ms: number; rssMb: number }

/** NIXPOD_BENCH_BIN: another build to measure (e.g. the one before a change), with the same floors. */
const BIN = process.env.NIXPOD_BENCH_BIN ?? BUILT;

const RUNS = 5;
const asked = process.argv.slice(2);
const section = (name: string): boolean => asked.length === 0 || asked.includes(name);
const work = mkdtempSync(join(tmpdir(), 'nixpod-bench-'));
const rssFile = join(work, 'rss');
const hook = join(work, 'rss-hook.mjs');
// Peak RSS of the measured process itself, written as it exits.
writeFileSync(hook, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);

function run(args: string[]): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', hook, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

function median(samples: Sample[]): Sample {
  const by = (k: keyof Sample) => [...samples].sort((a, b) => a[k] - b[k])[Math.floor(samples.length / 2)]![k];
  return { ms: by('ms'), rssMb: by('rssMb') };
}

function measure(args: string[], runs = RUNS): Sample {
  run(args); // warm the file cache
  return median(Array.from({ length: runs }, () => run(args)));
}

/** Two commands measured in turn, run by run, so that a noisy moment hits both alike. */
function measurePair(a: string[], b: string[], runs = RUNS): [Sample, Sample] {
  run(a);
  run(b);
  const as: Sample[] = [];
  const bs: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(run(a));
    bs.push(run(b));
  }
  return [median(as), median(bs)];
}

const bare = (dir: string): string[] => ['-e', BARE_READ, dir];
const ratio = (s: Sample, floor: Sample): string => `${(s.ms / floor.ms).toFixed(2)}x the bare read`;
const rows: [string, Sample, string][] = [];
const base = measure(['-e', '0'], 15);
rows.push(['node -e 0 (baseline)', base, '']);
let one: Sample | undefined;
if (section('startup') || section('scale')) {
  const version = measure([BIN, '--version'], 15);
  rows.push(['nixpod --version', version, `+${(version.ms - base.ms).toFixed(0)} ms over node -e 0 (target: +15 ms)`]);
  one = measure([BIN, 'render', generateScripts(work, 1)], 15);
  rows.push(['nixpod render 1 script', one, `+${(one.ms - base.ms).toFixed(0)} ms over node -e 0: the fixed cost of a run (target: +50 ms)`]);
}
if (section('scale')) {
  // Time per script past the fixed cost (render of 1): flat within 25 % from 1,000 up means linear.
  const perScript: [number, number][] = [];
  for (const n of [100, 1000, 10000, 50000]) {
    const dir = generateScripts(work, n);
    const [floor, s] = measurePair(bare(dir), [BIN, 'render', dir]);
    const per = ((s.ms - one!.ms) / n) * 1000;
    perScript.push([n, per]);
    const target = n === 1000 ? ' (target: <= 1.5x)' : n === 10000 ? ' (target: <= 2x, <= 150 MB)' : '';
    rows.push([`bare read of ${n} files (node -e)`, floor, '']);
    rows.push([`nixpod render ${n} scripts`, s, `${ratio(s, floor)}${target}; ${per.toFixed(1)} µs per script past the fixed cost`]);
  }
  const from1000 = perScript.filter(([n]) => n >= 1000).map(([, p]) => p);
  const spread = Math.max(...from1000) / Math.min(...from1000);
  rows.push(['time per script, 1,000 to 50,000', { ms: NaN, rssMb: NaN }, `${perScript.map(([n, p]) => `${n}: ${p.toFixed(1)} µs`).join(', ')}; max/min from 1,000 up ${spread.toFixed(2)} (target: <= 1.25)`]);
}
if (section('check')) {
  const dir = generateScripts(work, 1000);
  const [floor, c] = measurePair(bare(dir), [BIN, 'check', dir]);
  rows.push(['bare read of 1000 files (node -e)', floor, '']);
  rows.push(['nixpod check 1000 scripts', c, `${ratio(c, floor)} (target: <= 1.3x)`]);
}
// Settings: the same 1,000 scripts with a nixpod.yaml of 20 `match` rules (target: at most 10 % more).
// Each script matches several rules, so resolution, the larger context and the skeleton shapes all count.
if (section('settings')) {
  const plain = generateScripts(work, 1000);
  const configured = join(work, 'configured-1000');
  cpSync(plain, configured, { recursive: true });
  writeFileSync(join(configured, 'nixpod.yaml'), nixpodYaml(20));
  const [without, withConfig] = measurePair([BIN, 'render', plain], [BIN, 'render', configured], 11);
  rows.push(['nixpod render 1000 scripts, no nixpod.yaml', without, `${(without.ms / base.ms).toFixed(1)}x node -e 0`]);
  rows.push(['nixpod render 1000 scripts, nixpod.yaml of 20 match rules', withConfig, `${(((withConfig.ms - without.ms) / without.ms) * 100).toFixed(1)} % more (target: at most 10 %)`]);
}
// check --nix: 1,000 scripts against the fixture nixpkgs, with the real nix-instantiate (skipped without it).
if (section('nix') && spawnSync('nix-instantiate', ['--version']).status === 0) {
  const dir = join(work, 'nix-1000');
  mkdirSync(dir);
  const fixture = join(ROOT, 'test/fixtures/nixpkgs');
  const pkgs = ['jq', 'curl', 'git', 'python3Packages.requests', '"python3.withPackages (ps: [ ps.requests ps.pyyaml ])"', 'kubectl', 'openssl', 'hello', 'haskellPackages.aeson'];
  for (let i = 0; i < 1000; i++) {
    writeFileSync(join(dir, `job-${i}.sh`), `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p ${pkgs[i % pkgs.length]} ${pkgs[(i * 5 + 2) % pkgs.length]}\n#! nix-shell -I nixpkgs=${fixture}\necho ${i}\n`);
  }
  const plain = measure([BIN, 'check', dir]);
  const nix = measure([BIN, 'check', '--nix', dir]);
  rows.push(['nixpod check 1000 scripts (same set, no --nix)', plain, `${(plain.ms / base.ms).toFixed(1)}x node -e 0`]);
  rows.push(['nixpod check --nix 1000 scripts', nix, `+${(nix.ms - plain.ms).toFixed(0)} ms for Nix; target: < 3000 ms`]);
}
// The diff behind `nixpod diff` for a new 20,000-line script (0.6 MB: live is missing, every line is new)
// and for one changed line in it; the quadratic table this replaced took 12 s and 3.1 GB here.
if (section('diff')) {
  const big = join(work, 'diff-20k.mjs');
  const diffJs = join(ROOT, 'dist/src/core/diff.js');
  writeFileSync(big, `import { unifiedDiff } from ${JSON.stringify(diffJs)};\nconst t = Array.from({ length: 20000 }, (_, i) => '    echo "line ' + i + ' of a long script"').join('\\n') + '\\n';\nif (unifiedDiff('', t, 'a', 'b').length < t.length) process.exit(1);\nif (!unifiedDiff(t, t.replace('line 10000 ', 'changed '), 'a', 'b').includes('+    echo "changed ')) process.exit(1);\n`);
  const d = measure([big]);
  rows.push(['diff of a new 20,000-line script, and of one changed line', d, `+${(d.ms - base.ms).toFixed(0)} ms and +${(d.rssMb - base.rssMb).toFixed(0)} MB over baseline`]);
}
// Against the in-process API server: with no latency at all (CPU-bound, the server's own work dominates),
// and with a 2 ms round trip per request, closer to any real cluster.
const cluster = section('cluster') && spawnSync('kubectl', ['version', '--client']).status === 0 ? [...(await clusterBench(work, 200, 3, 0)), ...(await clusterBench(work, 200, 3, 2))] : [];
rmSync(work, { recursive: true, force: true });

const num = (x: number): string => (Number.isNaN(x) ? '' : x.toFixed(0));
console.log('| run | wall ms (median) | peak RSS MB | note |\n| --- | ---: | ---: | --- |');
for (const [name, s, note] of rows) console.log(`| ${name} | ${num(s.ms)} | ${num(s.rssMb)} | ${note} |`);
for (const [name, ms, note] of cluster) console.log(`| ${name} | ${ms.toFixed(0)} | | ${note} |`);
