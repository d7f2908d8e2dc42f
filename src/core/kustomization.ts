import { parse } from 'yaml';

/** The file `render -o DIR` writes beside the manifests, so that `kubectl apply -k DIR`, Argo CD and Flux take DIR as it is. */
export const KUSTOMIZATION = 'kustomization.yaml';

/** Every name kustomize reads as a folder's kustomization: with two of them it refuses the folder. */
export const KUSTOMIZATION_NAMES: readonly string[] = [KUSTOMIZATION, 'kustomization.yml', 'Kustomization'];

/** nixpod's mark on the kustomization it writes: the file is nixpod's to rewrite only when it starts with this line. */
const HEADER = '# Written by nixpod render -o: the manifests in this folder, for kubectl apply -k, Argo CD and Flux.';

/** `<base>.yaml` (base a DNS label): every YAML reader takes it back as this string without quotes. */
const PLAIN = /^[a-z0-9][a-z0-9-]*\.yaml$/;

/**
 * The kustomization listing `resources` (file names in DIR), sorted by code
 * unit so the file is the same to the byte wherever it is written.
 */
export function renderKustomization(resources: readonly string[]): string {
  const sorted = [...resources].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const items = sorted.map((r) => `  - ${PLAIN.test(r) ? r : JSON.stringify(r)}\n`).join('');
  return (
    `${HEADER}\n` +
    '# nixpod rewrites it on every render: to add patches or other resources, refer to this folder from a kustomization of your own.\n' +
    'apiVersion: kustomize.config.k8s.io/v1beta1\n' +
    'kind: Kustomization\n' +
    (items === '' ? 'resources: []\n' : `resources:\n${items}`)
  );
}

/** Whether a kustomization file is the one nixpod wrote (and may rewrite or remove). */
export function isOwnKustomization(text: string): boolean {
  return text.startsWith(`${HEADER}\n`);
}

/**
 * The files among `names` that a kustomization someone else wrote does not
 * list under `resources`: kustomize would leave them out. Undefined when the
 * text is not a kustomization nixpod can read (kustomize will say why).
 */
export function unlistedIn(text: string, names: readonly string[]): string[] | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const resources = (doc as { resources?: unknown }).resources ?? [];
  if (!Array.isArray(resources)) return undefined;
  const listed = new Set(resources.filter((r): r is string => typeof r === 'string').map((r) => r.replace(/^\.\//, '')));
  return names.filter((n) => !listed.has(n));
}
