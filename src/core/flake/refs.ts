/**
 * What an installable of a `#! nix` script refers to (libflake flakeref.cc,
 * libcmd installables.cc, Nix 2.26), as far as nixpod can tell without
 * fetching: a flake reference and an attribute path (`nixpkgs#jq`,
 * `github:NixOS/nixpkgs/<rev>#jq`), or, after `--file`/`--expr`, an attribute path alone.
 */
export type RefKind = 'indirect' | 'github' | 'git' | 'tarball' | 'local' | 'invalid';

export interface Installable {
  /** The flake reference before `#` ('' after --file/--expr). */
  ref: string;
  kind: RefKind;
  /** The attribute path after `#`, without `^outputs`; null without `#`. */
  attrPath: string | null;
  /** The reference names an exact revision (or content hash): it cannot move. */
  pinned: boolean;
  /** Why it is invalid, when kind is 'invalid'. */
  problem?: string;
}

const REV = /^[0-9a-fA-F]{40}$/;
const REF = /^[a-zA-Z0-9@][a-zA-Z0-9_./@+-]*$/;
// A flake id with an optional ref and/or rev, as on the command line (`nixpkgs`, `nixpkgs/nixos-24.05`, `nixpkgs/<rev>`).
const INDIRECT = /^(?:flake:)?([a-zA-Z][a-zA-Z0-9_-]*)(?:\/([^/?#]+))?(?:\/([0-9a-fA-F]{40}))?(?:\?(.*))?$/;
const OUTPUTS = /\^(?:\*|[a-zA-Z_][a-zA-Z0-9_+-]*(?:,[a-zA-Z_][a-zA-Z0-9_+-]*)*)$/;
const SCHEME = /^([a-z][a-z0-9+.-]*):/;

/** Split `ref#attr^out` and say what the reference is. */
export function classifyInstallable(text: string): Installable {
  const noOutputs = text.replace(OUTPUTS, '');
  const hash = noOutputs.indexOf('#');
  const ref = hash < 0 ? noOutputs : noOutputs.slice(0, hash);
  const attrPath = hash < 0 ? null : noOutputs.slice(hash + 1);
  if (attrPath !== null && attrPath.includes('#')) {
    return { ref, kind: 'invalid', attrPath, pinned: false, problem: `it has more than one '#', so Nix reads all of '${noOutputs.slice(0, noOutputs.lastIndexOf('#'))}' as a local path` };
  }
  return { ...classifyRef(ref), attrPath };
}

function classifyRef(ref: string): Omit<Installable, 'attrPath'> {
  const local = (): Omit<Installable, 'attrPath'> => ({ ref, kind: 'local', pinned: false });
  if (ref === '' || ref.startsWith('.') || ref.startsWith('/') || ref.startsWith('~')) return local();
  const scheme = SCHEME.exec(ref)?.[1];
  if (scheme === undefined) {
    const m = INDIRECT.exec(ref);
    if (m && (m[2] === undefined || REV.test(m[2]) || REF.test(m[2]))) return { ref, kind: 'indirect', pinned: REV.test(m[2] ?? '') || m[3] !== undefined || /(?:^|&)rev=/.test(m[4] ?? '') };
    // Not a flake id: Nix takes it as a path relative to the script's folder.
    return ref.includes('/') ? local() : { ref, kind: 'invalid', pinned: false, problem: `'${ref}' is neither a flake id (a letter, then letters, digits, '-' or '_') nor a URL` };
  }
  const query = ref.includes('?') ? ref.slice(ref.indexOf('?') + 1) : '';
  const byQuery = /(?:^|&)(?:rev|narHash)=/.test(query);
  if (scheme === 'flake') return classifyRef(ref.slice(6)).kind === 'indirect' ? { ...classifyRef(ref.slice(6)), ref } : invalid(ref, 'after flake: comes a flake id (flake:nixpkgs)');
  if (scheme === 'path' || scheme === 'file' || scheme === 'git+file' || scheme === 'tarball+file' || scheme === 'hg+file') return local();
  if (scheme === 'github' || scheme === 'gitlab' || scheme === 'sourcehut') {
    // Nix tokenizes the path on '/' (empty parts vanish), then joins the rest into one ref (`refs/tags/24.11`, `release-24.11/x`).
    const parts = (ref.slice(scheme.length + 1).split('?')[0]?.split('/') ?? []).filter((p) => p !== '');
    if (parts.length < 2) return invalid(ref, `a ${scheme}: reference is ${scheme}:OWNER/REPO[/REF-OR-REV]`);
    // Only a 40-hex rev is pinned.
    return { ref, kind: 'github', pinned: REV.test(parts.slice(2).join('/')) || byQuery };
  }
  if (/^(?:git|hg)\+(?:https?|ssh)$/.test(scheme)) return { ref, kind: 'git', pinned: byQuery };
  if (/^(?:tarball\+)?https?$/.test(scheme)) return { ref, kind: 'tarball', pinned: byQuery || /[0-9a-f]{40}/i.test(ref) };
  return invalid(ref, `'${scheme}:' is not a flake reference type (github:, gitlab:, git+https:, https:, path:, flake:, …)`);
}

const invalid = (ref: string, problem: string): Omit<Installable, 'attrPath'> => ({ ref, kind: 'invalid', pinned: false, problem });

const IDENT = /^[a-zA-Z_][a-zA-Z0-9_'-]*$/;

/**
 * The first component of an attribute path that no Nix package set can have
 * as written: empty, or not an identifier (quoted components are fine).
 */
export function badAttrComponent(path: string): string | undefined {
  if (path === '') return undefined;
  return attrComponents(path).find((p) => !(p.length >= 2 && p.startsWith('"') && p.endsWith('"')) && !IDENT.test(p));
}

/** parseAttrPath: `.` separates, `"…"` quotes (the quotes are kept here, to tell quoted parts apart). */
function attrComponents(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of path) {
    if (c === '.' && !quoted) {
      out.push(cur);
      cur = '';
      continue;
    }
    if (c === '"') quoted = !quoted;
    cur += c;
  }
  out.push(cur);
  return out;
}

/** A pinned form to suggest for an unpinned reference. */
export function pinnedForm(inst: Installable): string {
  const attr = inst.attrPath !== null ? `#${inst.attrPath}` : '';
  const id = INDIRECT.exec(inst.ref.replace(/^flake:/, ''))?.[1];
  if (inst.kind === 'indirect' && id === 'nixpkgs') return `github:NixOS/nixpkgs/<commit>${attr}`;
  if (inst.kind === 'github') return `${inst.ref.split('?')[0]?.split('/').slice(0, 2).join('/')}/<commit>${attr}`;
  if (inst.kind === 'git') return `${inst.ref}${inst.ref.includes('?') ? '&' : '?'}rev=<commit>${attr}`;
  if (inst.kind === 'indirect') return `${id}/<commit>${attr}`;
  return `${inst.ref}?narHash=<hash>${attr}`;
}

/** The ids of the global flake registry (github.com/NixOS/flake-registry), which is all a Pod's Nix knows. */
export const REGISTRY_IDS = [
  'agda', 'blender-bin', 'bundlers', 'dreampkgs', 'dwarffs', 'emacs-overlay', 'fenix', 'flake-utils', 'gemini', 'home-manager', 'hydra', 'mach-nix', 'nickel',
  'nimble', 'nix', 'nix-darwin', 'nix-serve', 'nixops', 'nixos-hardware', 'nixos-homepage', 'nixos-search', 'nixpkgs', 'nur', 'patchelf', 'poetry2nix',
  'pridefetch', 'templates',
];

/** The flake id of an indirect reference (`nixpkgs/nixos-24.05` -> `nixpkgs`). */
export function flakeId(inst: Installable): string | undefined {
  return inst.kind === 'indirect' ? INDIRECT.exec(inst.ref.replace(/^flake:/, ''))?.[1] : undefined;
}
