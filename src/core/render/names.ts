import type { Hash } from 'node:crypto';
import { nodeCrypto } from '../lazy-crypto.js';

const sha256 = (): Hash => nodeCrypto().createHash('sha256');

/** Kubernetes object names are DNS-1123 labels here: at most 63 characters. */
const NAME_MAX = 63;
export const HASH_LENGTH = 10;
const BASE_MAX = NAME_MAX - HASH_LENGTH - 1;

const TAG_LENGTH = 6;
/** File names whose base says everything: lowercase words joined by '-', at most one extension. */
const LOSSLESS = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)?$/;

/**
 * A DNS-1123 label from a file name, the same for the same name everywhere:
 * `deploy-prod.sh` -> `deploy-prod-sh`. When the name says more than the label
 * can (uppercase, '_', spaces, several dots, non-Latin letters, too long), a
 * tag of its SHA-256 keeps such names apart: `日本語.sh` -> `sh-<6 hex>`,
 * `a_b.sh` and `a.b.sh` -> `a-b-sh-<6 hex>` each with its own tag.
 */
export function baseNameFor(fileName: string): string {
  // Asked for several times per script (checks, names, context): made once per name.
  let base = bases.get(fileName);
  if (base === undefined) {
    if (bases.size >= BASES_KEPT) bases.clear();
    bases.set(fileName, (base = makeBaseName(fileName)));
  }
  return base;
}

const bases = new Map<string, string>();
const BASES_KEPT = 100_000;

function makeBaseName(fileName: string): string {
  // The usual name (`deploy-prod.sh`): lowercase words and one extension, whose '.' alone becomes '-'.
  if (fileName.length <= BASE_MAX && LOSSLESS.test(fileName)) return fileName.replace('.', '-');
  const s = fileName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const tag = sha256().update(fileName).digest('hex').slice(0, TAG_LENGTH);
  const head = s.slice(0, BASE_MAX - TAG_LENGTH - 1).replace(/-+$/, '');
  return `${head || 'script'}-${tag}`;
}

/** The base of a script's names: its settings' `name` (or the file name's base), after its `namePrefix`; at most BASE_MAX characters. */
export function scriptBase(fileName: string, settings?: { name?: string; namePrefix?: string }): string {
  const base = `${settings?.namePrefix ?? ''}${settings?.name ?? baseNameFor(fileName)}`;
  if (base.length <= BASE_MAX) return base;
  // A prefix made it too long: shortened and tagged as baseNameFor does, so distinct bases stay distinct.
  const tag = sha256().update(base).digest('hex').slice(0, TAG_LENGTH);
  return `${base.slice(0, BASE_MAX - TAG_LENGTH - 1).replace(/-+$/, '')}-${tag}`;
}

/** Kubernetes' rules (IsDNS1123Label; IsConfigMapKey; a label value; a volume item path). */
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const KEY_OK = /^[-._a-zA-Z0-9]+$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
export const KEY_MAX = 253;

export const isDnsLabel = (s: string): boolean => s.length <= NAME_MAX && DNS_LABEL.test(s);
export const isLabelValue = (s: string): boolean => s.length <= 63 && LABEL_VALUE.test(s);
export const isDataKey = (k: string): boolean => k.length <= KEY_MAX && KEY_OK.test(k) && k !== '.' && !k.startsWith('..');
/** A volume item path: relative, no `..` element, not starting with `..`. */
export const isItemPath = (p: string): boolean => p !== '' && !p.startsWith('/') && !p.startsWith('..') && !p.split('/').includes('..');

/** The ConfigMap data key: the file name when Kubernetes accepts it, else a sanitized one (`..x.sh` -> `_.x.sh`). */
export function dataKeyFor(fileName: string): string {
  if (isDataKey(fileName)) return fileName;
  let s = fileName.replace(/[^-._a-zA-Z0-9]+/g, '_');
  if (s.startsWith('..')) s = `_${s.slice(1)}`;
  s = s.slice(0, KEY_MAX);
  return isDataKey(s) ? s : 'script';
}

/**
 * `HASH_LENGTH` hex characters of SHA-256 over `prefix` then the given parts,
 * each length-prefixed so parts cannot run together. The prefix (the render
 * format and template texts) is digested once, when first needed (a hasher
 * made at start-up loads no crypto), and the state copied per script.
 */
export function contentHasher(prefix: readonly (string | Uint8Array)[]): (parts: readonly (string | Uint8Array)[]) => string {
  let start: Hash | undefined;
  // Text runs go in as one update (each update is a call into native code): the same bytes as one update per piece.
  const feed = (h: Hash, parts: readonly (string | Uint8Array)[]): Hash => {
    let text = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        text += `${Buffer.byteLength(p, 'utf8')}:${p}`;
        continue;
      }
      h.update(`${text}${p.length}:`);
      h.update(p);
      text = '';
    }
    if (text !== '') h.update(text);
    return h;
  };
  return (parts) => feed((start ??= feed(sha256(), prefix)).copy(), parts).digest('hex').slice(0, HASH_LENGTH);
}
