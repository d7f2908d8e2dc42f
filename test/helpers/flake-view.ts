import { checkScript } from '../../src/core/check/script.js';
import { SCRIPT_WORD } from '../../src/core/flake/args.js';
import { classifyInstallable } from '../../src/core/flake/refs.js';
import { parseShebang } from '../../src/core/shebang/parse.js';

/** The arguments the flake oracle runs every script with (`nix SCRIPT ARG1 'a b'`). */
export const ORACLE_ARGS = ['ARG1', 'a b'];

/**
 * Rules where nixpod refuses what Nix itself accepts, because the Pod lacks
 * something the author's machine has: the flake the script lives in, or a
 * file nixpod has not looked up (the oracle runs each script beside a stand-in flake);
 * and CRLF line ends, which nix chomps but bash, running the script's body, does not.
 */
export const POD_ONLY_RULES = new Set(['local-flake', 'local-file', 'missing-file', 'crlf']);

/** What nixpod makes of a `#! nix` script, in the oracle's terms. */
export interface FlakeView {
  /** nixpod reports an error. */
  error: boolean;
  /** Every error is one of POD_ONLY_RULES (Nix would run the script). */
  podOnly: boolean;
  rules: string[];
  /** The argv nix would exec (`<SCRIPT>` for the script's path), null when nix stops first or runs no --command. */
  exec: string[] | null;
  /** The attribute paths of the installables, as the oracle records them; null when nixpod cannot name them (an --expr alone). */
  packages: string[] | null;
  /** The installables are attribute paths inside an --expr, which the oracle records from the expression's own root. */
  inExpr: boolean;
}

export function flakeView(text: string): FlakeView {
  const c = checkScript({ path: 's.sh', bytes: new TextEncoder().encode(text), explicit: true });
  const errors = c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule);
  const m = parseShebang(text, { scriptArgs: ORACLE_ARGS });
  const f = m.error ? null : m.flake;
  const shown = (ws: readonly { value: string }[]) => ws.map((w) => (w.value === SCRIPT_WORD ? '<SCRIPT>' : w.value));
  // `nix run` execs the installable's own program, which only building it names: '<PROGRAM>'.
  const exec = f?.command === 'run' ? ['<PROGRAM>', ...shown(f.runArgs)] : f?.commandFlag ? shown(f.exec) : null;
  let packages: string[] | null = null;
  if (f && !(f.expr && f.installables.length === 0)) {
    // Nix builds each distinct package once (hello and hello^out are one store path), as the oracle records them.
    packages = [...new Set(f.installables.map((w) => (f.expr || f.file ? w.value : (classifyInstallable(w.value).attrPath ?? '').replace(/^"|"$/g, ''))))];
  }
  return { error: errors.length > 0, podOnly: errors.length > 0 && errors.every((r) => POD_ONLY_RULES.has(r)), rules: errors, exec, packages, inExpr: f?.expr !== null && f?.expr !== undefined };
}
