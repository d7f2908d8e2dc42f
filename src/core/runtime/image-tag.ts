import type { CheckedScript } from '../check/script.js';
import { nixpkgsSource } from '../packages/refs.js';
import { contentHasher } from '../render/names.js';

/**
 * Bumped when the image `nixpod image` writes changes shape (its expression,
 * the entrypoint): the tag changes with it, so a Pod never runs an image built
 * by another format.
 * 1: streamLayeredImage; bashInteractive; the script's folder copied whole.
 */
const IMAGE_FORMAT = 'nixpod-image-1';
const hasher = contentHasher([IMAGE_FORMAT]);

/**
 * The tag of a script's prebuilt image: HASH_LENGTH hex characters over
 * everything the image is built from: the script's bytes, the files it ships
 * and where they go, and the nixpkgs it is built against when the script does
 * not pin its own (the `nixpkgs` setting). Settings that only shape the Pod
 * (namespace, labels, resources…) do not rebuild the image. `nixpod image`
 * and render compute it the same way, so render names the image CI pushed.
 */
export function imageTag(script: CheckedScript): string {
  const b = script.bundle;
  const source = nixpkgsSource(script);
  const layout = b ? [b.scriptPath, ...b.files.flatMap((f) => [f.path, f.bytes])] : [script.fileName];
  return hasher([script.bytes, source.kind === 'setting' ? source.value : '', ...layout]);
}
