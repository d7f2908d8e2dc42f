import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * --templates folders whose pod.yaml.hbs renders a batch/v1 Job or CronJob
 * around the built-in Pod's spec (until the built-in templates have kinds).
 * `stableJob`: a Job named after the script's base, not its content.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..', 'templates');

function podSpec(indent: number): string {
  const pod = readFileSync(join(ROOT, 'pod.yaml.hbs'), 'utf8');
  const spec = pod.slice(pod.indexOf('spec:\n') + 'spec:\n'.length);
  return spec.split('\n').map((l) => (l.startsWith('{{') || l === '' ? l : ' '.repeat(indent) + l)).join('\n');
}

const meta = (name: string) => `metadata:\n  name: {{json ${name}}}\n{{#if namespace}}\n  namespace: {{json namespace}}\n{{/if}}\n  labels: {{json labels}}\n  annotations: {{json annotations}}\n`;

export function writeKindTemplates(dir: string, kind: 'job' | 'cronjob' | 'stableJob'): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'configmap.yaml.hbs'), readFileSync(join(ROOT, 'configmap.yaml.hbs'), 'utf8'));
  const job = (indent: number) => `${' '.repeat(indent)}backoffLimit: 0\n${' '.repeat(indent)}template:\n${' '.repeat(indent + 2)}metadata:\n${' '.repeat(indent + 4)}labels: {{json labels}}\n${' '.repeat(indent + 2)}spec:\n${podSpec(indent + 4)}`;
  const text =
    kind === 'cronjob'
      ? `apiVersion: batch/v1\nkind: CronJob\n${meta('base')}spec:\n  schedule: "0 3 * * *"\n  concurrencyPolicy: Forbid\n  jobTemplate:\n    metadata:\n      labels: {{json labels}}\n    spec:\n${job(6)}`
      : `apiVersion: batch/v1\nkind: Job\n${meta(kind === 'stableJob' ? 'base' : 'name')}spec:\n${job(2)}`;
  writeFileSync(join(dir, 'pod.yaml.hbs'), text);
  return dir;
}
