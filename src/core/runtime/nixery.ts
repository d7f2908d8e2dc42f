import type { CheckedScript } from '../check/script.js';
import { finding, type Finding, type Position } from '../diagnostic.js';
import { analyzeNixWord } from '../nix/word.js';
import { nixpkgsSource, splitAttrPath } from '../packages/refs.js';
import type { Word } from '../shebang/shellwords.js';
import { isPathComponent, isTag, NAME_MAX } from './reference.js';

/**
 * Nixery (github.com/google/nixery, also tazjin/nixery) builds an image from
 * its name: every path component is a package, `HOST/jq/curl`. From its source:
 * - a component is a nixpkgs attribute path, `.` for nesting (`xorg.xev`);
 *   image names are lowercase, so Nixery finds a top-level name case-blind
 *   (`haskellpackages` -> haskellPackages) but nested names only as written
 *   (prepare-image.nix, deepFetch);
 * - leading meta-packages: `shell` (bashInteractive, coreutils, moreutils,
 *   nano) and `arm64` (builds for aarch64-linux) (builder.go, metaPackages);
 *   cacert and iana-etc are always added; layers are grouped into at most 94
 *   (LayerBudget, of the 125 a registry allows);
 * - the tag selects the package set only when Nixery builds from a git
 *   repository (NIXERY_PKGS_REPO): a 40-hex tag is a commit, another a branch
 *   or tag, `latest` the default branch. On a channel (NIXERY_CHANNEL) or a
 *   local path (NIXERY_PKGS_PATH) the tag is ignored (config/pkgsource.go).
 * The packages are linked into one tree at `/`: every binary is in /bin.
 */
export const NIXERY_BASH = 'bashinteractive';

/** Package sets whose members nix-shell makes usable through setup hooks (PYTHONPATH, PERL5LIB…), which a linked tree does not run. */
const HOOKED_SETS = /^(python\d*Packages|python\d+\d*Packages|perl\d*Packages|rubyPackages(_\d+_\d+)?|lua\d*Packages|luajitPackages|ocamlPackages|rPackages|haskellPackages\.ghcWithPackages)$/;

export interface NixeryImage {
  /** `HOST/pkg/…:TAG`, or null when a word cannot be served. */
  image: string | null;
  findings: Finding[];
}

/** The image for a script's `-p` words, and why a word cannot be in it. */
export function nixeryImage(script: CheckedScript, host: string): NixeryImage {
  const a = script.model.args;
  const out: Finding[] = [];
  const first: Position = a.packagesFlag ?? { line: script.model.lines[0]?.line ?? 1, col: 1 };
  if (a.exprFlag) out.push(finding(a.exprFlag, 'error', 'nixery-unsupported', `${a.exprFlag.value}: Nixery builds images from package names, not from a Nix expression`, 'list packages with -p, or use runtime: image (nixpod image builds any expression)'));
  else if (!a.packagesFlag) {
    const at: Position = a.positional[0] ?? first;
    out.push(finding(at, 'error', 'nixery-unsupported', 'the script names no -p packages (it uses an expression file): Nixery builds images from package names only', 'list packages with -p, or use runtime: image'));
  }
  for (const [name, v] of a.args) out.push(finding(v.at, 'error', 'nixery-unsupported', `--${v.kind} ${name}: Nixery imports nixpkgs with its own arguments, not the script's`, 'drop it, or use runtime: image (it passes them as nix-shell does)'));
  const components: string[] = [];
  if (a.packagesFlag && !a.exprFlag) {
    for (const w of a.positional) {
      const c = componentFor(w, out);
      if (c !== undefined && !components.includes(c)) components.push(c);
    }
  }
  // nix-shell always has bash (it runs the script through it); Nixery images have only what they name.
  if (!components.includes(NIXERY_BASH)) components.push(NIXERY_BASH);
  const tag = tagFor(script, out);
  const name = `${host}/${components.join('/')}`;
  if (name.length > NAME_MAX) out.push(finding(first, 'error', 'nixery-unsupported', `the Nixery image name would be ${name.length} characters, more than the ${NAME_MAX} a registry accepts`, 'split the script, or use runtime: image'));
  const ok = !out.some((f) => f.severity === 'error');
  return { image: ok ? `${name}:${tag}` : null, findings: out };
}

/** The image path component of one `-p` word, or why there is none. */
function componentFor(w: Word, out: Finding[]): string | undefined {
  const analysis = analyzeNixWord(w.value);
  if (analysis.problem || !analysis.attrPath) {
    const what = /^(\.{0,2}\/|~|<)/.test(w.value) || w.value.includes('/') ? 'a local file or search path' : 'a Nix expression';
    out.push(finding(w, 'error', 'nixery-unsupported', `'${w.value}' is ${what}: Nixery builds images only from package attribute paths`, 'name the package (e.g. python3Packages.requests), or use runtime: image for expressions'));
    return undefined;
  }
  const parts = splitAttrPath(w.value);
  const nested = parts.slice(1).find((p) => p !== p.toLowerCase());
  if (nested !== undefined) {
    out.push(finding(w, 'error', 'nixery-unsupported', `'${w.value}': image names are lowercase and Nixery restores the case of top-level names only, so '${nested}' cannot be found`, 'use runtime: image for this package'));
    return undefined;
  }
  const c = parts.join('.').toLowerCase();
  if (!parts.every((p) => isPathComponent(p.toLowerCase())) || !isPathComponent(c)) {
    out.push(finding(w, 'error', 'nixery-unsupported', `'${w.value}' cannot be written in an image name (lowercase letters and digits, with . _ __ or - between them)`, 'use runtime: image for this package'));
    return undefined;
  }
  if (c === 'shell' || c === 'arm64') {
    out.push(finding(w, 'error', 'nixery-unsupported', `'${w.value}' is a Nixery meta-package name, not a package, where nixpod puts it`, 'set it as part of the host instead: nixery: HOST/shell or HOST/arm64'));
    return undefined;
  }
  if (parts.length > 1 && HOOKED_SETS.test(parts[0] as string)) {
    out.push(finding(w, 'warning', 'nixery-setup-hook', `'${w.value}': nix-shell puts it on the search path of its language (PYTHONPATH, PERL5LIB…) with a setup hook; Nixery only links it under /lib, where the interpreter may not look`, 'use runtime: image with an expression such as (python3.withPackages (ps: [ ps.requests ])), or set the variable with env'));
  }
  return c;
}

/** The tag: the git ref the script's nixpkgs pin names, or `latest` when it has none. */
function tagFor(script: CheckedScript, out: Finding[]): string {
  for (const w of script.model.args.nixPath) {
    if (!w.value.startsWith('nixpkgs=')) out.push(finding(w, 'warning', 'nixery-include-ignored', `-I ${w.value}: Nixery has no search path, so this entry is ignored`, 'remove it, or use runtime: image'));
  }
  const source = nixpkgsSource(script);
  if (source.kind === 'default') return 'latest';
  const ref = gitRefOf(source.value);
  const at: Position = source.kind === 'pin' ? source.word : { line: 1, col: 1 };
  const where = source.kind === 'pin' ? '' : ` (the nixpkgs setting, ${source.at.path}:${source.at.line}:${source.at.col})`;
  if (ref?.startsWith('refs/tags/')) {
    const msg = `nixpkgs '${source.value}'${where}: Nixery passes the image tag to fetchGit as ref '${ref.slice('refs/tags/'.length)}', which git reads as a branch, so a tag pin cannot be served`;
    out.push(finding(at, 'error', 'nixery-pin', msg, "pin the tag's commit: https://github.com/NixOS/nixpkgs/archive/<commit>.tar.gz (git rev-parse 'TAG^{commit}'), or use runtime: image"));
    return 'latest';
  }
  if (ref === undefined || !isTag(ref)) {
    out.push(finding(at, 'error', 'nixery-pin', `nixpkgs '${source.value}'${where}: Nixery selects nixpkgs by a git ref in the image tag, and this pin names none`, 'pin a commit: https://github.com/NixOS/nixpkgs/archive/<commit>.tar.gz (or channel:nixos-24.11), or use runtime: image'));
    return 'latest';
  }
  return ref;
}

/**
 * The git ref a nixpkgs pin names: GitHub archive URLs of NixOS/nixpkgs (owner
 * and repository as GitHub reads them, case-blind; .tar.gz or .zip),
 * `channel:NAME` and nixos.org channel URLs (channels are branches of
 * NixOS/nixpkgs). A tag stays `refs/tags/NAME`: Nixery cannot serve it (see tagFor).
 */
export function gitRefOf(pin: string): string | undefined {
  const gh = /^https:\/\/(?:github\.com\/nixos\/nixpkgs\/(?:archive|tarball|zipball)|codeload\.github\.com\/nixos\/nixpkgs\/(?:tar\.gz|zip))\/(.+?)(?:\.tar\.gz|\.zip)?$/i.exec(pin);
  if (gh) return gh[1]?.replace(/^refs\/heads\//, '');
  const ch = /^channel:([A-Za-z0-9._-]+)$/.exec(pin) ?? /^https:\/\/(?:nixos\.org|channels\.nixos\.org)\/(?:channels\/)?([A-Za-z0-9._-]+)\/nixexprs\.tar\.xz$/.exec(pin);
  return ch?.[1];
}
