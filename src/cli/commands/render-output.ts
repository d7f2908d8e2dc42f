import { isAbsolute, join } from 'node:path';
import { IoError } from '../../core/errors.js';
import { KUSTOMIZATION } from '../../core/kustomization.js';
import { compareOutput, isCandidate, planOutput, type OutputFile, type OutputPlan, type PlanOptions } from '../../core/output-dir.js';
import { readOutputDir } from '../../io/output-dir.js';
import { writeFilesAtomically } from '../../io/write.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/**
 * `render -o DIR`: DIR gets the manifests and their kustomization.yaml, and
 * loses nixpod's own files for scripts that are gone, all in one change.
 */
export async function writeOutputDir(outputDir: string, manifests: readonly OutputFile[], io: CliIo, o: PlanOptions = {}): Promise<number> {
  const dir = isAbsolute(outputDir) ? outputDir : join(io.cwd, outputDir);
  const names = new Set(manifests.map((m) => m.name));
  const existing = await readOutputDir(dir, { wanted: isCandidate, planned: names, unreadable: 'skip' });
  const plan = planOutput(manifests, existing, o);
  refuseConflicts(outputDir, plan);
  warnForeignKustomization(outputDir, plan, io);
  await writeFilesAtomically(dir, plan.write, io.signal, plan.remove);
  const manifestsGone = plan.remove.filter((n) => n !== KUSTOMIZATION);
  const gone = manifestsGone.length > 0 ? `; removed ${plural(manifestsGone.length, 'file')} no script renders any more: ${manifestsGone.join(', ')}` : '';
  const ownGone = plan.remove.includes(KUSTOMIZATION) ? `; removed nixpod's earlier ${KUSTOMIZATION}${o.kustomization === false ? ' (--no-kustomization)' : ''}` : '';
  const kustomization = plan.write.length > manifests.length ? ' and kustomization.yaml' : '';
  io.stderr(`wrote ${plural(manifests.length, 'file')}${kustomization} to ${outputDir}${gone}${ownGone}\n`);
  return EXIT.ok;
}

/**
 * `render -o DIR --check`: writes nothing; lists each file that differs
 * (`stale`, `missing`, `extra`) on stdout, one a line, and exits 1, or 0
 * when DIR is what `render -o DIR` would make it.
 */
export async function checkOutputDir(outputDir: string, manifests: readonly OutputFile[], io: CliIo, o: PlanOptions = {}): Promise<number> {
  const dir = isAbsolute(outputDir) ? outputDir : join(io.cwd, outputDir);
  const names = new Set(manifests.map((m) => m.name));
  const existing = await readOutputDir(dir, { wanted: isCandidate, planned: names, unreadable: 'error' });
  const plan = planOutput(manifests, existing, o);
  refuseConflicts(outputDir, plan);
  warnForeignKustomization(outputDir, plan, io);
  const { changes, current } = compareOutput(plan, existing);
  if (changes.length === 0) {
    io.stderr(`${outputDir} is up to date (${plural(current, 'file')})\n`);
    return EXIT.ok;
  }
  // One width for every state ('missing' is the longest), so the paths line up from run to run.
  io.stdout(changes.map((c) => `${c.state.padEnd(7)}  ${join(outputDir, c.name)}\n`).join(''));
  const count = (s: string): number => changes.filter((c) => c.state === s).length;
  const parts = (['stale', 'missing', 'extra'] as const).filter((s) => count(s) > 0).map((s) => `${count(s)} ${s}`);
  io.stderr(`${outputDir} is out of date: ${parts.join(', ')} (${plural(current, 'file')} current)\n  hint: run the same nixpod render without --check to update it\n`);
  return EXIT.problems;
}

/** A file nixpod did not write where one of its manifests goes: never overwritten, and `--check` cannot call DIR current. */
function refuseConflicts(outputDir: string, plan: OutputPlan): void {
  const [first, ...more] = plan.conflicts;
  if (first === undefined) return;
  const others = more.length > 0 ? ` (and ${plural(more.length, 'other')}: ${more.join(', ')})` : '';
  throw new IoError(
    `cannot write ${join(outputDir, first)}${others}: a file nixpod did not write is in the way (not a manifest of the script with that name, labelled app.kubernetes.io/managed-by: nixpod)`,
    `move it out of ${outputDir} (or render to another folder), then run again`,
  );
}

/** A kustomization someone else wrote stays; say so, and which manifests it leaves out. */
function warnForeignKustomization(outputDir: string, plan: OutputPlan, io: CliIo): void {
  const k = plan.foreignKustomization;
  if (!k) return;
  const path = join(outputDir, k.name);
  const unlisted = k.unlisted === undefined ? ' (nixpod cannot read its resources)' : k.unlisted.length > 0 ? `; its resources leave out ${k.unlisted.join(', ')}` : '';
  io.stderr(`nixpod: warning: ${path} was not written by nixpod: left as it is, not rewritten${unlisted}\n  hint: list nixpod's files in it yourself, or move it to a folder of its own that refers to ${outputDir}\n`);
}
