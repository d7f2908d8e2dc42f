/**
 * `npm run bench [-- SECTION...]`: whole-process timings of the built CLI,
 * each beside a floor measured in the same run: `node -e 0`, and a bare read
 * (Node reading each file and printing it). The machines are shared and noisy,
 * so compare ratios and differences, not absolute numbers across runs.
 * Sections: startup, scale, check, settings, nix, diff, cluster (default: all).
 * NIXPOD_BENCH_BIN=path/to/nixpod.mjs measures another build beside the same floors;
 * NIXPOD_BENCH_BASE=path/to/nixpod.mjs measures a second build in the same run (before/after rows).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN as BUILT, ROOT } from '../helpers/cli.js';
import { clusterBench } from './cluster.js';
import { BARE_READ, generateScripts, nixpodYaml } from './scripts.js';

interface Sample { ms: number; cpuMs: number; rssMb: number }

/** NIXPOD_BENCH_BIN: another build to measure (e.g. the one before a change), with the same floors. */
const BIN = process.env.NIXPOD_BENCH_BIN ?? BUILT;
/** NIXPOD_BENCH_BASE: a second build measured in the same run, run by run beside BIN (a before/after table). */
const BASE = process.env.NIXPOD_BENCH_BASE;

const RUNS = 5;
const asked = process.argv.slice(2);
const section = (name: string): boolean => asked.length === 0 || asked.includes(name);
const work = mkdtempSync(join(tmpdir(), 'nixpod-bench-'));
const usageFile = join(work, 'usage');
const hook = join(work, 'usage-hook.mjs');
// Peak RSS and CPU time (user + system) of the measured process itself, written as it exits.
writeFileSync(hook, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const u = process.resourceUsage(); writeFileSync(${JSON.stringify(usageFile)}, [u.maxRSS, u.userCPUTime + u.systemCPUTime].join(' ')); });\n`);

function run(args: string[]): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', hook, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [rss, cpu] = readFileSync(usageFile, 'utf8').split(' ').map(Number) as [number, number];
  return { ms, cpuMs: cpu / 1000, rssMb: rss / 1024 };
}

function median(samples: Sample[]): Sample {
  const by = (k: keyof Sample) => [...samples].sort((a, b) => a[k] - b[k])[Math.floor(samples.length / 2)]![k];
  return { ms: by('ms'), cpuMs: by('cpuMs'), rssMb: by('rssMb') };
}

/** Commands measured in turn, run by run, so that a noisy moment hits all alike (the first run of each warms the file cache). */
function measureAll(commands: string[][], runs = RUNS): Sample[] {
  for (const c of commands) run(c);
  const samples: Sample[][] = commands.map(() => []);
  for (let i = 0; i < runs; i++) commands.forEach((c, j) => samples[j]!.push(run(c)));
  return samples.map(median);
}

/** A nixpod command with BIN and, when set, BASE: [BIN's sample, BASE's sample?] after the floors given. */
function measureNixpod(floors: string[][], args: string[], runs = RUNS): { floors: Sample[]; now: Sample; base?: Sample | undefined } {
  const all = measureAll([...floors, [BIN, ...args], ...(BASE ? [[BASE, ...args]] : [])], runs);
  return { floors: all.slice(0, floors.length), now: all[floors.length]!, base: BASE ? all[floors.length + 1] : undefined };
}

const bare = (dir: string): string[] => ['-e', BARE_READ, dir];
const ratio = (s: Sample, floor: Sample): string => `${(s.ms / floor.ms).toFixed(2)}x the bare read (CPU ${(s.cpuMs / floor.cpuMs).toFixed(2)}x)`;
const rows: [string, Sample, string][] = [];
/** A nixpod row, and its BASE row below it with the same note computed on BASE's figures. */
function nixpodRows(name: string, m: { now: Sample; base?: Sample | undefined }, note: (s: Sample) => string): void {
  rows.push([name, m.now, note(m.now)]);
  if (m.base) rows.push([`(base) ${name}`, m.base, note(m.base)]);
}
const [base] = measureAll([['-e', '0']], 15) as [Sample];
rows.push(['node -e 0 (baseline)', base, '']);
let one: { now: Sample; base?: Sample | undefined } | undefined;
const over = (s: Sample): string => `+${(s.ms - base.ms).toFixed(0)} ms (CPU +${(s.cpuMs - base.cpuMs).toFixed(0)} ms) over node -e 0`;
if (section('startup') || section('scale')) {
  nixpodRows('nixpod --version', measureNixpod([], ['--version'], 15), (s) => `${over(s)} (target: +15 ms)`);
  const oneScript = generateScripts(work, 1);
  one = measureNixpod([], ['render', oneScript], 15);
  nixpodRows('nixpod render 1 script', one, (s) => `${over(s)}: the fixed cost of a run (target: +50 ms)`);
  // check has a program of its own (the editor-on-save case): its fixed cost.
  nixpodRows('nixpod check 1 script', measureNixpod([], ['check', oneScript], 15), (s) => `${over(s)}: check's fixed cost`);
}
if (section('scale')) {
  // Time per script past the fixed cost (render of 1): flat within 25 % from 1,000 up means linear.
  const perScript: [number, number, number | undefined][] = [];
  for (const n of [100, 1000, 10000, 50000]) {
    const dir = generateScripts(work, n);
    const m = measureNixpod([bare(dir)], ['render', dir], n >= 50000 ? 3 : RUNS);
    const per = (s: Sample, o: Sample): number => ((s.ms - o.ms) / n) * 1000;
    perScript.push([n, per(m.now, one!.now), m.base && per(m.base, one!.base!)]);
    const target = n === 1000 ? ' (target: <= 1.5x)' : n === 10000 ? ' (target: <= 2x, <= 150 MB)' : '';
    rows.push([`bare read of ${n} files (node -e)`, m.floors[0]!, '']);
    nixpodRows(`nixpod render ${n} scripts`, m, (s) => `${ratio(s, m.floors[0]!)}${target}; ${per(s, s === m.now ? one!.now : one!.base!).toFixed(1)} µs per script past the fixed cost`);
  }
  const flat = (i: 1 | 2): string => {
    const from1000 = perScript.filter(([n]) => n >= 1000).map((r) => r[i]!);
    return `${perScript.map((r) => `${r[0]}: ${r[i]!.toFixed(1)} µs`).join(', ')}; max/min from 1,000 up ${(Math.max(...from1000) / Math.min(...from1000)).toFixed(2)} (target: <= 1.25)`;
  };
  const none = { ms: NaN, cpuMs: NaN, rssMb: NaN };
  rows.push(['time per script, 1,000 to 50,000', none, flat(1)]);
  if (BASE) rows.push(['(base) time per script, 1,000 to 50,000', none, flat(2)]);
}
if (section('check')) {
  const dir = generateScripts(work, 1000);
  const m = measureNixpod([bare(dir)], ['check', dir]);
  rows.push(['bare read of 1000 files (node -e)', m.floors[0]!, '']);
  nixpodRows('nixpod check 1000 scripts', m, (s) => `${ratio(s, m.floors[0]!)} (target: <= 1.3x)`);
}
// Settings: the same 1,000 scripts with a nixpod.yaml of 20 `match` rules (target: at most 10 % more).
// Each script matches several rules, so resolution, the larger context and the skeleton shapes all count.
if (section('settings')) {
  const plain = generateScripts(work, 1000);
  const configured = join(work, 'configured-1000');
  cpSync(plain, configured, { recursive: true });
  writeFileSync(join(configured, 'nixpod.yaml'), nixpodYaml(20));
  const builds = [BIN, ...(BASE ? [BASE] : [])];
  const all = measureAll(builds.flatMap((b) => [[b, 'render', plain], [b, 'render', configured]]), 11);
  builds.forEach((b, i) => {
    const [without, withConfig] = [all[2 * i]!, all[2 * i + 1]!];
    const tag = b === BIN ? '' : '(base) ';
    rows.push([`${tag}nixpod render 1000 scripts, no nixpod.yaml`, without, `${(without.ms / base.ms).toFixed(1)}x node -e 0`]);
    rows.push([`${tag}nixpod render 1000 scripts, nixpod.yaml of 20 match rules`, withConfig, `${(((withConfig.ms - without.ms) / without.ms) * 100).toFixed(1)} % more (CPU ${(((withConfig.cpuMs - without.cpuMs) / without.cpuMs) * 100).toFixed(1)} % more) (target: at most 10 %)`]);
  });
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
  const [plain, nix] = measureAll([[BIN, 'check', dir], [BIN, 'check', '--nix', dir]]) as [Sample, Sample];
  rows.push(['nixpod check 1000 scripts (same set, no --nix)', plain, `${(plain.ms / base.ms).toFixed(1)}x node -e 0`]);
  rows.push(['nixpod check --nix 1000 scripts', nix, `+${(nix.ms - plain.ms).toFixed(0)} ms for Nix; target: < 3000 ms`]);
}
// The diff behind `nixpod diff` for a new 20,000-line script (0.6 MB: live is missing, every line is new)
// and for one changed line in it; the quadratic table this replaced took 12 s and 3.1 GB here.
if (section('diff')) {
  const big = join(work, 'diff-20k.mjs');
  const diffJs = join(ROOT, 'dist/src/core/diff.js');
  writeFileSync(big, `import { unifiedDiff } from ${JSON.stringify(diffJs)};\nconst t = Array.from({ length: 20000 }, (_, i) => '    echo "line ' + i + ' of a long script"').join('\\n') + '\\n';\nif (unifiedDiff('', t, 'a', 'b').length < t.length) process.exit(1);\nif (!unifiedDiff(t, t.replace('line 10000 ', 'changed '), 'a', 'b').includes('+    echo "changed ')) process.exit(1);\n`);
  const [d] = measureAll([[big]]) as [Sample];
  rows.push(['diff of a new 20,000-line script, and of one changed line', d, `+${(d.ms - base.ms).toFixed(0)} ms and +${(d.rssMb - base.rssMb).toFixed(0)} MB over baseline`]);
}
// Against the in-process API server: with no latency at all (CPU-bound, the server's own work dominates),
// and with a 2 ms round trip per request, closer to any real cluster.
const cluster = section('cluster') && spawnSync('kubectl', ['version', '--client']).status === 0 ? [...(await clusterBench(work, 200, 3, 0)), ...(await clusterBench(work, 200, 3, 2))] : [];
rmSync(work, { recursive: true, force: true });

const num = (x: number): string => (Number.isNaN(x) ? '' : x.toFixed(0));
console.log('| run | wall ms (median) | CPU ms (user+sys) | peak RSS MB | note |\n| --- | ---: | ---: | ---: | --- |');
for (const [name, s, note] of rows) console.log(`| ${name} | ${num(s.ms)} | ${num(s.cpuMs)} | ${num(s.rssMb)} | ${note} |`);
for (const [name, ms, note] of cluster) console.log(`| ${name} | ${ms.toFixed(0)} | | | ${note} |`);
