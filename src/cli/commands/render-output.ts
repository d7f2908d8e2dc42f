import { isAbsolute, join } from 'node:path';
import { compareOutput, isCandidate, planOutput, type OutputFile, type OutputPlan } from '../../core/output-dir.js';
import { readOutputDir } from '../../io/output-dir.js';
import { writeFilesAtomically } from '../../io/write.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/**
 * `render -o DIR`: DIR gets the manifests and their kustomization.yaml, and
 * loses nixpod's own files for scripts that are gone, all in one change.
 */
export async function writeOutputDir(outputDir: string, manifests: readonly OutputFile[], io: CliIo): Promise<number> {
  const dir = isAbsolute(outputDir) ? outputDir : join(io.cwd, outputDir);
  const names = new Set(manifests.map((m) => m.name));
  // Only files that may be nixpod's are read: the manifests about to be replaced need no look.
  const existing = await readOutputDir(dir, { wanted: (n) => isCandidate(n) && !names.has(n), planned: names, unreadable: 'skip' });
  const plan = planOutput(manifests, existing);
  warnForeignKustomization(outputDir, plan, io);
  await writeFilesAtomically(dir, plan.write, io.signal, plan.remove);
  const gone = plan.remove.length > 0 ? `; removed ${plural(plan.remove.length, 'file')} no script renders any more: ${plan.remove.join(', ')}` : '';
  const kustomization = plan.foreignKustomization ? '' : ' and kustomization.yaml';
  io.stderr(`wrote ${plural(manifests.length, 'file')}${kustomization} to ${outputDir}${gone}\n`);
  return EXIT.ok;
}

/**
 * `render -o DIR --check`: writes nothing; lists each file that differs
 * (`stale`, `missing`, `extra`) on stdout, one a line, and exits 1, or 0
 * when DIR is what `render -o DIR` would make it.
 */
export async function checkOutputDir(outputDir: string, manifests: readonly OutputFile[], io: CliIo): Promise<number> {
  const dir = isAbsolute(outputDir) ? outputDir : join(io.cwd, outputDir);
  const names = new Set(manifests.map((m) => m.name));
  const existing = await readOutputDir(dir, { wanted: isCandidate, planned: names, unreadable: 'error' });
  const plan = planOutput(manifests, existing);
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

/** A kustomization someone else wrote stays; say so, and which manifests it leaves out. */
function warnForeignKustomization(outputDir: string, plan: OutputPlan, io: CliIo): void {
  const k = plan.foreignKustomization;
  if (!k) return;
  const path = join(outputDir, k.name);
  const unlisted = k.unlisted === undefined ? ' (nixpod cannot read its resources)' : k.unlisted.length > 0 ? `; its resources leave out ${k.unlisted.join(', ')}` : '';
  io.stderr(`nixpod: warning: ${path} was not written by nixpod: left as it is, not rewritten${unlisted}\n  hint: list nixpod's files in it yourself, or move it to a folder of its own that refers to ${outputDir}\n`);
}
