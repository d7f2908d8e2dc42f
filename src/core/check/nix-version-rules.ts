import { finding, type Finding } from '../diagnostic.js';
import { DEFAULT_IMAGE } from '../render/settings-context.js';
import { nixVersionOfImage, parseNixVersion, rulesFor, type NixRules } from '../shebang/nix-version.js';
import type { ShebangModel } from '../shebang/parse.js';
import type { Runtime, Settings } from '../settings/types.js';

/** Which Nix the Pod runs, and what said so (for messages). */
export interface PodNix {
  rules: NixRules;
  /** `Nix 2.8.0 (image nixos/nix:2.8.0)`; undefined when current Nix is assumed. */
  label: string | undefined;
}

/**
 * `--nix-version` wins, then the `nixVersion` setting, then the tag of the
 * image (`--image`, else the image setting, else nixpod's default). An image
 * whose tag names no version (`latest`, a digest, a custom image) means current Nix.
 * On runtime nixery or image (`--runtime` wins over the setting) no Nix runs
 * in the Pod: nothing reads the shebang there but nixpod, with current rules.
 */
export function podNix(settings: Settings | undefined, flags: { nixVersion?: string | undefined; image?: string | undefined; runtime?: Runtime | undefined }): PodNix {
  // No Nix runs in the Pod on runtime nixery or image: scripts are read with current rules there.
  if ((flags.runtime ?? settings?.runtime ?? 'nix-shell') !== 'nix-shell') return CURRENT;
  // Asked once per script, and nearly always with the same few inputs: worked out once per inputs (the results are never changed).
  const key = [flags.nixVersion, settings?.nixVersion, flags.image, settings?.image].map((v) => (v === undefined ? '\u0001' : v)).join('\0');
  let p = podNixOf.get(key);
  if (!p) podNixOf.set(key, (p = podNixNow(settings, flags)));
  return p;
}

const podNixOf = new Map<string, PodNix>();
const CURRENT: PodNix = { rules: rulesFor(undefined), label: undefined };

function podNixNow(settings: Settings | undefined, flags: { nixVersion?: string | undefined; image?: string | undefined }): PodNix {
  const fromFlag = flags.nixVersion !== undefined ? parseNixVersion(flags.nixVersion) : undefined;
  if (fromFlag) return { rules: rulesFor(fromFlag), label: `Nix ${fromFlag.text} (--nix-version)` };
  const fromSetting = settings?.nixVersion !== undefined ? parseNixVersion(settings.nixVersion) : undefined;
  if (fromSetting) return { rules: rulesFor(fromSetting), label: `Nix ${fromSetting.text} (the nixVersion setting)` };
  const image = flags.image ?? settings?.image ?? DEFAULT_IMAGE;
  const v = nixVersionOfImage(image);
  return { rules: rulesFor(v), label: v ? `Nix ${v.text} (image ${image})` : undefined };
}

const MAX_SHOWN = 6;

/** The words from a little before the first difference on, a few of them. */
function shown(words: readonly string[], from: number): string {
  const start = Math.max(0, from - 1);
  const list = words.slice(start, start + MAX_SHOWN).map((w) => JSON.stringify(w));
  const more = words.length - start - MAX_SHOWN;
  return `[${start > 0 ? '…, ' : ''}${list.join(', ')}${more > 0 ? `, … ${more} more` : ''}]`;
}

const firstDifference = (a: readonly string[], b: readonly string[]): number => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

/** The words each reading takes from one line (a `#! nix` word may span lines: it counts where it starts). */
function byLine(m: ShebangModel): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const l of m.lines) out.set(l.line, []);
  for (const w of m.words) out.get(w.line)?.push(w.value);
  return out;
}

/**
 * Where the Pod's Nix reads the shebang lines differently from current Nix
 * (the author's most likely one): one warning at the first line that differs,
 * naming both readings. Errors of the Pod's reading are reported by the usual checks.
 */
export function compareReadings(current: ShebangModel, pod: ShebangModel, label: string): Finding[] {
  if (pod.dialect === 'nix' && !pod.rules.flakeShebang) return [];
  const a = byLine(current);
  const b = byLine(pod);
  const lines = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  for (const line of lines) {
    const mine = a.get(line);
    const theirs = b.get(line);
    if (JSON.stringify(mine) === JSON.stringify(theirs)) continue;
    const k = firstDifference(mine ?? [], theirs ?? []);
    const now = mine === undefined ? 'ignores the line' : `reads ${shown(mine, k)}`;
    const then = theirs === undefined ? 'ignores it' : `reads ${shown(theirs, k)}`;
    const msg = `this line reads differently in the Pod: current Nix (2.24 and later) ${now}, the Pod's ${label} ${then}`;
    return [finding({ line, col: 1 }, 'warning', 'nix-version-reading', msg, hintFor(current, line))];
  }
  return [];
}

function hintFor(current: ShebangModel, line: number): string {
  const ws = current.words.filter((w) => w.line === line);
  if (ws.some((w) => w.singleQuoted)) return 'Nix before 2.19 has no single quotes: use double quotes, which every version reads alike';
  if (current.dialect === 'nix') return 'Nix before 2.22 ends the #! nix block at a line starting with "(": move the #! nix lines above it';
  return 'Nix before 2.19 needs exactly one space after nix-shell: write "#! nix-shell " and the arguments';
}
