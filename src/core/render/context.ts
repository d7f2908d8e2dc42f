import type { CheckedScript } from '../check/script.js';
import { summarizeShebang } from '../shebang/parse.js';
import { baseNameFor, contentHasher, dataKeyFor } from './names.js';

/** The nixos/nix release the Pods run: an exact tag, never `latest`. */
export const DEFAULT_IMAGE = 'nixos/nix:2.29.0';
export const MOUNT_DIR = '/nixpod';
/** Bumped when the rendered shape changes, so names change with it. */
const RENDER_FORMAT = 'nixpod-render-1';

export interface RenderOptions {
  image: string;
  namespace: string | null;
}

/** Everything a template can use. Documented in the README; keep the two in step. */
export interface TemplateContext {
  name: string;
  base: string;
  hash: string;
  namespace: string | null;
  key: string;
  source: string;
  mountDir: string;
  scriptPath: string;
  image: string;
  command: string[];
  interpreter: string | null;
  run: string | null;
  packages: string[];
  nixPath: string[];
  pure: boolean;
  keep: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type ScriptHasher = (parts: readonly (string | Uint8Array)[]) => string;

/** One per run: the hash of everything shared by all scripts (format and templates) is computed once. */
export function scriptHasher(templateTexts: readonly string[]): ScriptHasher {
  return contentHasher([RENDER_FORMAT, ...templateTexts]);
}

export function buildContext(script: CheckedScript, opts: RenderOptions, hash: ScriptHasher): TemplateContext {
  const base = baseNameFor(script.fileName);
  const key = dataKeyFor(script.fileName);
  const sh = summarizeShebang(script.model);
  const scriptPath = `${MOUNT_DIR}/${key}`;
  const annotations: Record<string, string> = {
    'nixpod.dev/source': script.path,
    'nixpod.dev/interpreter': sh.interpreter ?? sh.run ?? '',
    'nixpod.dev/packages': JSON.stringify(sh.packages),
  };
  const labels = { 'app.kubernetes.io/name': base, 'app.kubernetes.io/managed-by': 'nixpod', 'nixpod.dev/script': base };
  const partial = { base, namespace: opts.namespace, key, source: script.path, mountDir: MOUNT_DIR, scriptPath, image: opts.image, command: ['nix-shell', scriptPath], interpreter: sh.interpreter, run: sh.run, packages: sh.packages, nixPath: sh.nixPath, pure: sh.pure, keep: sh.keep, labels, annotations };
  // Everything rendered feeds the hash: a change to the script, the options or a template renames both objects.
  const h = hash([script.bytes, JSON.stringify(partial)]);
  return { name: `${base}-${h}`, hash: h, ...partial };
}
