import type { CheckedScript } from '../check/script.js';
import { appendTo } from '../group.js';
import { finding, withPath, type Diagnostic } from '../diagnostic.js';
import { dataLayout } from './context.js';
import { scriptBase, HASH_LENGTH, isDataKey, isDnsLabel, isItemPath, isLabelValue } from './names.js';

/** checkNameCollisions then checkNameRules, with each script's base made once for both. */
export function checkNames(scripts: readonly CheckedScript[]): Diagnostic[] {
  const bases = scripts.map((s) => scriptBase(s.fileName, s.settings?.settings));
  const collisions = nameCollisions(scripts, bases);
  const rules = nameRules(scripts, bases);
  return collisions.length === 0 ? rules : rules.length === 0 ? collisions : collisions.concat(rules);
}

/** Two scripts with the same base (the same file name in two folders, or the same `name`) would collide in labels, `-o` files and CronJob names. */
export function checkNameCollisions(scripts: readonly CheckedScript[]): Diagnostic[] {
  return nameCollisions(scripts, scripts.map((s) => scriptBase(s.fileName, s.settings?.settings)));
}

/**
 * Kubernetes' rules for every name and key nixpod makes, checked before any
 * request: the object name (`<base>-<hash>`), the labels that carry the base,
 * the ConfigMap keys and the volume item paths. Templates may rename objects;
 * what they make is the server's to judge.
 */
export function checkNameRules(scripts: readonly CheckedScript[]): Diagnostic[] {
  return nameRules(scripts, scripts.map((s) => scriptBase(s.fileName, s.settings?.settings)));
}

function nameCollisions(scripts: readonly CheckedScript[], bases: readonly string[]): Diagnostic[] {
  // One entry per base, a list only for a base taken twice: thousands of scripts, a few collisions at most.
  const first = new Map<string, CheckedScript>();
  const byBase = new Map<string, CheckedScript[]>();
  scripts.forEach((s, i) => {
    if (s.skipped) return;
    const base = bases[i] as string;
    const other = first.get(base);
    if (other === undefined) first.set(base, s);
    else appendTo(byBase, base, s);
  });
  const out: Diagnostic[] = [];
  if (byBase.size === 0) return out;
  // In the order the bases were first met, as one list per base would give.
  for (const [base, s0] of first) {
    const rest = byBase.get(base);
    if (!rest) continue;
    const group = [s0, ...rest];
    for (const s of group) {
      const others = group.filter((o) => o !== s).map((o) => o.path).join(', ');
      out.push(...withPath(s.path, [finding({ line: 1, col: 1 }, 'error', 'duplicate-name', `base name '${base}' (used for labels, the -o DIR file name and a CronJob's name) is also produced by ${others}`, 'give one folder a nixpod.yaml with defaults: {namePrefix: prod-}, or one script a #! nixpod name=… line')]));
    }
  }
  return out;
}

function nameRules(scripts: readonly CheckedScript[], bases: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  scripts.forEach((s, i) => {
    const base = bases[i] as string;
    const problems: string[] = [];
    if (!isDnsLabel(base + HASH_PROBE)) problems.push(`the object name '${base}-…' is not a DNS-1123 label`);
    if (!isLabelValue(base)) problems.push(`the label value '${base}' is not valid`);
    const { keys, paths } = dataLayout(s);
    for (const k of keys) if (!isDataKey(k)) problems.push(`the ConfigMap key '${k}' is not valid`);
    for (const p of paths ?? []) if (!isItemPath(p)) problems.push(`the volume path '${p}' is not valid (it must not start with '..')`);
    for (const p of problems) out.push(...withPath(s.path, [finding({ line: 1, col: 1 }, 'error', 'invalid-name', `${p}: Kubernetes would refuse it`, 'rename the file (letters, digits, -, _ and .; not starting with ..), or set name= on a #! nixpod line')]));
  });
  return out;
}

/** What the hash adds to a base: the name is checked as it will be. */
const HASH_PROBE = `-${'0'.repeat(HASH_LENGTH)}`;
