import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMain } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/program.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'dist/pkg/cli/nixpod.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with injected output and working directory. */
export async function runCli(argv: string[], cwd: string, env: Record<string, string | undefined> = {}, signal: AbortSignal = new AbortController().signal): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runMain(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env, signal, stdoutClosed: () => false, flush: async () => undefined }, COMMANDS);
  return { code, stdout, stderr };
}

/** Spawn the built binary with a scrubbed environment. */
export function spawnCli(argv: string[], cwd: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temp folder holding the given files (paths relative to it). */
export function tempTree(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nixpod-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

export const PINNED = '#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz\n';

/** A clean script: the given shebang lines after the first line, pinned, then a body. */
export function script(lines: string, body = 'echo hi\n'): string {
  return `#! /usr/bin/env nix-shell\n${lines}\n${PINNED}${body}`;
}
