import { finding, type Finding } from '../diagnostic.js';
import type { Runtime } from '../settings/types.js';

/** Nixery and prebuilt images are made from nix-shell's -p words: a `#! nix` script has none, and runs only as `nix SCRIPT` in the Nix image. */
export function needsNixShell(runtime: Exclude<Runtime, 'nix-shell'>): Finding {
  return finding({ line: 1, col: 1 }, 'error', 'runtime-needs-nix-shell', `runtime ${runtime} serves #! nix-shell scripts (their -p packages); this is a #! nix script`, 'leave it on the default runtime (runtime: nix-shell), where it runs as nix SCRIPT');
}
