import { createHash, type Hash } from 'node:crypto';

/** Kubernetes object names are DNS-1123 labels here: at most 63 characters. */
const NAME_MAX = 63;
export const HASH_LENGTH = 10;
const BASE_MAX = NAME_MAX - HASH_LENGTH - 1;

/** A DNS-1123 label from a file name: `Deploy Prod.sh` -> `deploy-prod-sh`. */
export function baseNameFor(fileName: string): string {
  const s = fileName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, BASE_MAX)
    .replace(/-+$/, '');
  return s || 'script';
}

const KEY_OK = /^[-._a-zA-Z0-9]+$/;

/** The ConfigMap data key: the file name when Kubernetes accepts it, else a sanitized one. */
export function dataKeyFor(fileName: string): string {
  if (KEY_OK.test(fileName) && fileName.length <= 253 && fileName !== '.' && fileName !== '..') return fileName;
  const s = fileName.replace(/[^-._a-zA-Z0-9]+/g, '_').slice(0, 253);
  return s === '' || s === '.' || s === '..' ? 'script' : s;
}

/**
 * `HASH_LENGTH` hex characters of SHA-256 over `prefix` then the given parts,
 * each length-prefixed so parts cannot run together. The prefix (the render
 * format and template texts) is digested once and the state copied per script.
 */
export function contentHasher(prefix: readonly (string | Uint8Array)[]): (parts: readonly (string | Uint8Array)[]) => string {
  const start = createHash('sha256');
  const feed = (h: Hash, parts: readonly (string | Uint8Array)[]): Hash => {
    for (const p of parts) {
      h.update(`${typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length}:`);
      h.update(p);
    }
    return h;
  };
  feed(start, prefix);
  return (parts) => feed(start.copy(), parts).digest('hex').slice(0, HASH_LENGTH);
}
