/**
 * @kubernetes/client-node takes most of a second to import: only the cluster
 * commands load it, through here (eslint keeps every other import type-only).
 */
export type K8s = typeof import('@kubernetes/client-node');

let k8s: Promise<K8s> | undefined;
export const loadK8s = (): Promise<K8s> => (k8s ??= import('@kubernetes/client-node'));
