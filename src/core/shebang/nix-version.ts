/**
 * Which Nix reads a script decides how: the Pod runs the Nix of its image, the
 * author most likely a current one. The rules that changed (nix-shebang-spec §5):
 * 2.19 single quotes, `nix-shell\s+`, unterminated-quote errors and `#! nix`
 * shebangs; 2.22 `(` starts a comment line for `#! nix`; 2.24 relative paths in
 * `-p`/`--arg`/`-E` resolve against the script's folder instead of the working directory.
 */
export interface NixVersion {
  major: number;
  minor: number;
  patch: number;
  /** As written (`2.18.1`). */
  text: string;
}

export interface NixRules {
  /** The version these rules are for; undefined: current Nix (2.24 and later). */
  version: NixVersion | undefined;
  /** >= 2.19: `'…'` quotes, `nix-shell\s+`, unterminated quotes are errors. */
  modernWords: boolean;
  /** >= 2.19: `#!/usr/bin/env nix` scripts. */
  flakeShebang: boolean;
  /** >= 2.22: a comment line of a `#! nix` script may start with `(`. */
  parenComments: boolean;
  /** >= 2.24: relative paths in `-p`, `--arg` and `-E` resolve against the script's folder. */
  pathsFromScript: boolean;
}

export const CURRENT_RULES: NixRules = { version: undefined, modernWords: true, flakeShebang: true, parenComments: true, pathsFromScript: true };

const VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?(?:pre[0-9_a-z]*)?$/;

/** `2.18.1`, `2.18`, `2.25.0pre20240101_abc`; undefined when it is not a version. */
export function parseNixVersion(text: string): NixVersion | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: text.trim() };
}

const atLeast = (v: NixVersion, minor: number): boolean => v.major > 2 || (v.major === 2 && v.minor >= minor);

export function rulesFor(version: NixVersion | undefined): NixRules {
  if (!version || atLeast(version, 24)) return { ...CURRENT_RULES, version };
  return { version, modernWords: atLeast(version, 19), flakeShebang: atLeast(version, 19), parenComments: atLeast(version, 22), pathsFromScript: false };
}

/** The rules differ from current Nix's in a way that changes how a script reads. */
export function isLegacy(rules: NixRules): boolean {
  return !rules.modernWords || !rules.flakeShebang || !rules.parenComments || !rules.pathsFromScript;
}

// The official image's repositories (nix-shebang-spec §7): docker.io and ghcr.io.
const OFFICIAL = /^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io|registry\.hub\.docker\.com)\/)?nixos\/nix$|^ghcr\.io\/nixos\/nix$/;
const TAG = /^(\d+\.\d+(?:\.\d+)?)(?:-(?:amd64|arm64))?$/;

/**
 * The Nix version an image runs, read from an official `nixos/nix:<version>`
 * tag (`-amd64`/`-arm64` suffixes too). Undefined for `latest`, no tag, a
 * digest only, or any other image: nixpod then assumes current Nix.
 */
export function nixVersionOfImage(image: string): NixVersion | undefined {
  const noDigest = image.split('@')[0] ?? '';
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  const repo = noDigest.slice(0, colon).toLowerCase();
  const tag = TAG.exec(noDigest.slice(colon + 1));
  if (!OFFICIAL.test(repo) || !tag) return undefined;
  return parseNixVersion(tag[1] as string);
}
