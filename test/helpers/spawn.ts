import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { BIN } from './cli.js';

export interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  signalledAt: number;
  closedAt: number;
}

/**
 * The built binary as a real process: `onStderr` sees stderr as it comes (to send a signal),
 * `closeStdoutAfter` closes the pipe after that many bytes (a reader that went away, as `| head -1`).
 */
export function spawnNixpod(args: string[], cwd: string, o: { nodeFlags?: string[]; onStderr?: (all: string, kill: (s: NodeJS.Signals) => void) => void; closeStdoutAfter?: number; signalAfter?: { signal: NodeJS.Signals; ms: number }; stdoutTo?: string } = {}): Promise<Spawned> {
  // stdoutTo: a file stdout writes to instead of the pipe (/dev/full: every write fails with ENOSPC).
  const fd = o.stdoutTo === undefined ? 'pipe' : openSync(o.stdoutTo, 'w');
  const p = spawn(process.execPath, [...(o.nodeFlags ?? []), BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd }, stdio: ['pipe', fd, 'pipe'] });
  if (typeof fd === 'number') closeSync(fd);
  const out: Spawned = { code: null, stdout: '', stderr: '', signalledAt: 0, closedAt: 0 };
  const after = o.signalAfter;
  if (after) {
    setTimeout(() => {
      out.signalledAt = Date.now();
      p.kill(after.signal);
    }, after.ms);
  }
  p.stderr?.setEncoding('utf8').on('data', (d: string) => {
    out.stderr += d;
    o.onStderr?.(out.stderr, (s) => p.kill(s));
  });
  const stdout = p.stdout;
  stdout?.setEncoding('utf8').on('data', (d: string) => {
    out.stdout += d;
    if (o.closeStdoutAfter !== undefined && out.stdout.length >= o.closeStdoutAfter) stdout.destroy();
  });
  return new Promise((resolve) => p.on('close', (code) => resolve({ ...out, code, closedAt: Date.now() })));
}
