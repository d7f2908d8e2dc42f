import type { CheckedScript } from '../check/script.js';
import type { Finding } from '../diagnostic.js';
import { needsNixShell } from './dialect.js';
import type { Runtime, Settings } from '../settings/types.js';
import { imageBuild } from './image-expr.js';
import { imageTag } from './image-tag.js';
import { nixeryImage } from './nixery.js';
import { shellProgram } from './shell-program.js';

/** What the runtime decides about a Pod: its image, its command, and whether the script travels in a ConfigMap. */
export interface RuntimeFacts {
  runtime: Runtime;
  image: string;
  /** The container command; null: the image's own entrypoint (prebuilt images). */
  command: string[] | null;
  /** False when the image carries the script (runtime image): no ConfigMap, no volume. */
  configMap: boolean;
  /** Problems with the script under this runtime (positions in the script). */
  findings: Finding[];
}

/** Placeholder image when the runtime cannot make one (its findings say why; nothing is rendered then). */
const NO_IMAGE = 'invalid.nixpod.dev/no-image:none';

/**
 * - nix-shell (default): the settings' image runs `nix-shell SCRIPT`, which reads the shebang in the Pod.
 * - nixery: the Nixery image of the `-p` packages runs bash on what nix-shell would run (shell-program.ts).
 * - image: `REGISTRY:<content hash>` (built by `nixpod image`) runs its own entrypoint.
 */
export function runtimeFacts(script: CheckedScript, s: Settings, scriptPath: string): RuntimeFacts {
  const runtime = s.runtime ?? 'nix-shell';
  // A `#! nix` script runs as `nix SCRIPT` in the Nix image; Nixery and prebuilt images are made from nix-shell's -p words.
  if (script.model.dialect === 'nix') {
    const findings: Finding[] = runtime === 'nix-shell' ? [] : [needsNixShell(runtime)];
    return { runtime, image: s.image as string, command: ['nix', scriptPath], configMap: true, findings };
  }
  if (runtime === 'nixery') {
    const n = s.nixery === undefined ? { image: null, findings: [] } : nixeryImage(script, s.nixery);
    const program = shellProgram(script.model.args, '/bin/bash', '/bin', scriptPath);
    return { runtime, image: n.image ?? NO_IMAGE, command: program?.command ?? ['/bin/bash', '-c', 'exit 0'], configMap: true, findings: n.findings };
  }
  if (runtime === 'image') {
    const tag = imageTag(script);
    const findings = imageBuild(script, s.registry ?? 'image', tag).findings;
    return { runtime, image: s.registry === undefined ? NO_IMAGE : `${s.registry}:${tag}`, command: null, configMap: false, findings };
  }
  return { runtime, image: s.image as string, command: ['nix-shell', scriptPath], configMap: true, findings: [] };
}
