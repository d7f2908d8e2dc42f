import { splitAttrPath } from './refs.js';

/**
 * A package index: plain text with one attribute path per line (`#` comments
 * and blank lines allowed), or the JSON object `nix-env -qaP --json` prints,
 * keyed by attribute path. Returns undefined when the text is neither.
 */
export function parsePackageIndex(text: string): string[][] | undefined {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    try {
      const doc = JSON.parse(t) as unknown;
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
      return Object.keys(doc).map(splitAttrPath);
    } catch {
      return undefined;
    }
  }
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(splitAttrPath);
}

/** The text `nixpod index` writes: sorted attribute paths, one per line. */
export function formatPackageIndex(paths: readonly string[]): string {
  return [...new Set(paths)].sort().map((p) => `${p}\n`).join('');
}
