import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED } from './shared.js';

/**
 * Real Nix 2.26 as a reference parser: ../shared/nix-oracle/nix-shell-oracle.mjs
 * runs the real nix-shell on each script inside a Debian trixie chroot. CI
 * (.ci/run) builds the chroot once per machine and sets NIXPOD_ORACLE_CHROOT;
 * without it these tests are skipped, unless NIXPOD_REQUIRE_ORACLE is set.
 */
export const ORACLE_CHROOT = process.env.NIXPOD_ORACLE_CHROOT;
const ORACLE = join(SHARED ?? '', 'nix-oracle/nix-shell-oracle.mjs');
const available = SHARED !== undefined && existsSync(ORACLE) && ORACLE_CHROOT !== undefined && existsSync(join(ORACLE_CHROOT, 'usr/bin/nix'));
export const oracleSkip = available || process.env.NIXPOD_REQUIRE_ORACLE ? false : 'no Nix 2.26 oracle (.ci/run sets NIXPOD_SHARED and NIXPOD_ORACLE_CHROOT)';

/** The parts of the oracle's JSON line these tests read. */
export interface OracleResult {
  file: string;
  raw?: { expr: string | null; words: string[] | null; error: string | null };
  sem?: { ok: boolean; interpreter?: string | null; runCommand?: string | null; inNixShell?: string; nixPath?: string[]; error?: string | null };
  keep?: string[] | null;
  driverError?: string;
}

/**
 * Runs the oracle on many script texts, `parallel` processes at once; results in input order.
 * NIXPOD_ORACLE_CACHE=DIR keeps answers by script text, for fast reruns while fixing a disagreement.
 */
export async function runOracle(texts: readonly string[], parallel = Math.max(2, availableParallelism())): Promise<OracleResult[]> {
  const cache = process.env.NIXPOD_ORACLE_CACHE;
  const cached = (t: string) => (cache ? join(cache, `${createHash('sha256').update(t).digest('hex')}.json`) : undefined);
  const todo = texts.filter((t) => !(cache && existsSync(cached(t) as string)));
  const fresh = await runOracleUncached(todo, parallel);
  if (cache) {
    mkdirSync(cache, { recursive: true });
    todo.forEach((t, i) => writeFileSync(cached(t) as string, JSON.stringify(fresh[i])));
    return texts.map((t) => JSON.parse(readFileSync(cached(t) as string, 'utf8')) as OracleResult);
  }
  return fresh;
}

async function runOracleUncached(texts: readonly string[], parallel: number): Promise<OracleResult[]> {
  if (texts.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-oracle-'));
  const files = texts.map((t, i) => {
    const f = join(dir, `s${String(i).padStart(5, '0')}.sh`);
    writeFileSync(f, t, { mode: 0o755 });
    return f;
  });
  const chunks: string[][] = Array.from({ length: Math.min(parallel, files.length) }, () => []);
  files.forEach((f, i) => chunks[i % chunks.length]?.push(f));
  const byFile = new Map<string, OracleResult>();
  await Promise.all(chunks.map((chunk) => runChunk(chunk, byFile)));
  return files.map((f) => byFile.get(f) ?? { file: f, driverError: 'no result' });
}

function runChunk(files: string[], into: Map<string, OracleResult>): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ORACLE_CHROOT: ORACLE_CHROOT ?? '', ORACLE_TIMEOUT: process.env.NIXPOD_ORACLE_TIMEOUT ?? '5' };
    const p = spawn(process.execPath, [ORACLE, ...files], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`oracle exited ${code}: ${err.slice(0, 2000)}`));
      for (const line of out.split('\n')) {
        if (line.trim() === '') continue;
        const r = JSON.parse(line) as OracleResult;
        into.set(r.file, r);
      }
      resolve();
    });
  });
}
