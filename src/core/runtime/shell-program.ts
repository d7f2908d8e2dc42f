import type { ShebangArgs } from '../shebang/args.js';

/**
 * The bash program a Pod without nix-shell runs (Nixery and prebuilt images):
 * what nix-shell's rc file would do for the script, given that the packages
 * are already linked under /bin. nix-shell (nix-build.cc) ends its rc with:
 * - `-i INTERP`: `exec INTERP 'SCRIPT' ARGS…`, INTERP pasted unquoted (so
 *   `-i "python3 -u"` works); `exec -a PERL` when INTERP contains `perl` (perl
 *   would otherwise re-run the `#!` line); `INTERP -e 'load(ARGV.shift)' --`
 *   when it contains `ruby` (the same reason);
 * - `--run CMD`/`--command CMD`: `CMD` then `exit`; the script's arguments are not passed.
 * PATH: with `--pure` only the packages' bin folders, else those before the
 * inherited PATH. IN_NIX_SHELL is `pure` or `impure`, as nix-shell sets it.
 */
export interface ShellProgram {
  /** The container command before the script's own arguments (which Kubernetes appends as `args`). */
  command: string[];
}

/** The variables nix-shell --pure keeps (nix-build.cc, keepVars), besides --keep NAME. */
export const PURE_KEEP = [
  'HOME', 'XDG_RUNTIME_DIR', 'USER', 'LOGNAME', 'DISPLAY', 'WAYLAND_DISPLAY', 'WAYLAND_SOCKET', 'PATH', 'TERM', 'IN_NIX_SHELL',
  'NIX_SHELL_PRESERVE_PROMPT', 'TZ', 'PAGER', 'NIX_BUILD_SHELL', 'SHLVL',
  'http_proxy', 'https_proxy', 'ftp_proxy', 'all_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'ALL_PROXY', 'NO_PROXY',
];

/** `'…'` for bash: every byte literal (a `'` becomes `'\''`). */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The environment part: nix-shell's --pure emulated by unsetting every exported variable not kept. */
function environment(pure: boolean, keep: readonly string[], bin: string): string {
  if (!pure) return `export PATH=${bin}\${PATH:+:$PATH} IN_NIX_SHELL=impure`;
  const kept = [...new Set([...PURE_KEEP, ...keep])].map(shellQuote).join('|');
  // Read-only variables (BASHOPTS, SHELLOPTS…) cannot be unset: bash's complaint about them is silenced.
  return [`for v in $(compgen -e); do case $v in ${kept}) ;; *) unset "$v" ;; esac; done 2>/dev/null`, `export PATH=${bin} IN_NIX_SHELL=pure`].join('\n');
}

/** What runs the script: the interpreter line nix-shell would exec, or the --run command. */
function tail(args: ShebangArgs): string | null {
  const c = args.command;
  if (!c) return null;
  if (c.kind !== 'interpreter') return `${c.value}\nexit`;
  if (c.value.includes('perl')) return `exec -a PERL ${c.value} "$@"`;
  if (c.value.includes('ruby')) return `exec ${c.value} -e 'load(ARGV.shift)' -- "$@"`;
  return `exec ${c.value} "$@"`;
}

/**
 * `bash -c PROGRAM nixpod SCRIPT` (with -i; `$0` is nixpod, `"$@"` the script and
 * its arguments), or `bash -c PROGRAM nixpod` (with --run). Null when the script
 * has nothing to run (no -i, --run or --command: check reports that).
 */
export function shellProgram(args: ShebangArgs, bash: string, bin: string, scriptPath: string): ShellProgram | null {
  const t = tail(args);
  if (t === null) return null;
  const program = `${environment(args.pure, args.keep, bin)}\n${t}`;
  const command = [bash, '-c', program, 'nixpod'];
  if (args.command?.kind === 'interpreter') command.push(scriptPath);
  return { command };
}
