import { finding, type Finding } from '../diagnostic.js';
import type { ShebangModel } from '../shebang/parse.js';
import type { Runtime } from '../settings/types.js';

/** What nix-shell --pure's PATH has besides the -p packages: stdenv's initial path (and make, patch), by nixpkgs attribute. */
const STDENV_TOOLS = ['coreutils', 'findutils', 'diffutils', 'gnused', 'gnugrep', 'gawk', 'gnutar', 'gzip', 'bzip2', 'xz', 'gnumake', 'patch'];

/**
 * `--pure` on runtime nixery or image: the emulation sets PATH=/bin, which
 * holds the -p packages (and bash) only, where nix-shell's pure shell also has
 * stdenv's tools. A script that calls `ls`, `sed` or `grep` works under
 * nix-shell and fails there: a warning naming what to add to -p.
 */
export function checkPurePath(model: ShebangModel, runtime: Runtime): Finding[] {
  const a = model.args;
  if (runtime === 'nix-shell' || model.dialect !== 'nix-shell' || !a.pure || !a.pureFlag) return [];
  const named = new Set(a.packagesFlag && !a.exprFlag ? a.positional.map((w) => w.value) : []);
  const missing = STDENV_TOOLS.filter((t) => !named.has(t));
  if (missing.length === 0) return [];
  const msg = `--pure on runtime ${runtime}: PATH is /bin, with the -p packages only; nix-shell --pure also has stdenv's ${missing.join(', ')}, so ls, sed, grep and the like are missing`;
  return [finding(a.pureFlag, 'warning', 'runtime-pure-path', msg, `add what the script calls to -p (e.g. -p ${missing.slice(0, 3).join(' ')}), or drop --pure`)];
}
