import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * ../shared (the Nix spec, corpus and oracle) is there in CI but not in a
 * user's clone: tests that need it read its path from NIXPOD_SHARED, which
 * .ci/run sets, and are skipped without it.
 */
export const SHARED = process.env.NIXPOD_SHARED;
export const sharedSkip = SHARED && existsSync(SHARED) ? false : 'NIXPOD_SHARED is not set (.ci/run sets it to ../shared)';

export function readTsv(rel: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(join(SHARED ?? '', rel), 'utf8').split('\n').filter((l) => l.length > 0);
  const cols = (head ?? '').split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i] ?? `c${i}`, v])));
}

export function sharedFile(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(SHARED ?? '', rel)));
}
