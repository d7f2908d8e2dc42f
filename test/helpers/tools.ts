import { spawnSync } from 'node:child_process';

/**
 * A test that needs an outside tool (bash-completion, zsh, fish, pre-commit, kubectl) skips
 * without it on a developer's machine; .ci/run installs them and sets NIXPOD_REQUIRE_TOOLS,
 * so that CI cannot skip.
 */
export function toolSkip(cmd: string, args: string[] = ['--version']): false | string {
  if (spawnSync(cmd, args, { stdio: 'ignore' }).status === 0 || process.env.NIXPOD_REQUIRE_TOOLS) return false;
  return `${cmd} is not installed`;
}

/** The first line a tool prints for its version, for test names and the closing note. */
export function toolVersion(cmd: string, args: string[] = ['--version']): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return (r.stdout || r.stderr || '').split('\n')[0]?.trim() ?? '';
}
