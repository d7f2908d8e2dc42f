import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORACLE_CHROOT } from './oracle.js';
import { SHARED } from './shared.js';

/** What `nix-instantiate --parse -E EXPR` (Nix 2.26) said: null when it parsed, else its error line. */
export type ParseVerdict = string | null;

// The leading space keeps an expression such as `-(a)` from reading as a flag.
const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*[A-Za-z]', 'g');
const LOOP = `for f in "$@"; do nix-instantiate --parse -E " $(cat "$f")" >/dev/null 2>"$f.err"; echo $? >"$f.rc"; done`;

/**
 * Real Nix 2.26's parser (which also checks scoping) on many expressions, in
 * the oracle's chroot (see helpers/oracle.ts): `parallel` chroot processes,
 * each looping over its share of files. Results in input order.
 */
export async function parseWithNix(exprs: readonly string[], parallel = 2): Promise<ParseVerdict[]> {
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-parse-'));
  try {
    const files = exprs.map((e, i) => {
      const f = join(dir, `e${i}`);
      writeFileSync(f, e);
      return f;
    });
    const chunks: string[][] = Array.from({ length: Math.max(1, Math.min(parallel, files.length)) }, () => []);
    files.forEach((f, i) => chunks[i % chunks.length]?.push(f));
    await Promise.all(chunks.map((c) => runInChroot(c)));
    return files.map((f) => {
      if (readFileSync(`${f}.rc`, 'utf8').trim() === '0') return null;
      const err = readFileSync(`${f}.err`, 'utf8').replace(ANSI, '');
      return /^error: (.*)$/m.exec(err)?.[1] ?? err.trim();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runInChroot(files: string[]): Promise<void> {
  if (files.length === 0) return Promise.resolve();
  const script = join(SHARED ?? '', 'nix-oracle/in-chroot.sh');
  return new Promise((resolve, reject) => {
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', NIX_CONFIG: 'substituters =' };
    const p = spawn('sh', [script, ORACLE_CHROOT ?? '', 'sh', '-c', LOOP, 'sh', ...files], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`nix-instantiate loop exited ${code}: ${err.slice(0, 1000)}`))));
  });
}
