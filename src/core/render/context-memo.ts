import type { CheckedScript } from '../check/script.js';
import { summarizeShebang, type ShebangModel, type ShebangSummary } from '../shebang/parse.js';
import type { WorkloadKind } from '../settings/types.js';
import { runtimeFacts } from '../runtime/plan.js';
import { hashedValues, MOUNT_DIR, ownValues, type ScriptHasher, type ScriptValues } from './context.js';
import { fillJson, jsonTemplate, mayHoldSentinels, sentinels0, slotOf, withSentinels, type JsonTemplate, type SlotString } from './json-template.js';
import { dataKeyFor, scriptBase } from './names.js';
import { pinsNixpkgs, type SettingsParts } from './settings-context.js';
import { hasMark, placehold, type Placeheld, type SharedDescriptions } from './skeleton.js';

/**
 * Thousands of scripts share a few shebang headers and settings: everything of
 * their context but seven strings (the slots below) is the same for all of
 * them. That part is built, described and its hashed JSON written once per
 * (shebang, settings); a script then costs its strings and its hash. The
 * results are held to buildContext's by test (test/unit/render-memo.test.ts).
 */
export const SLOT = { name: 0, workloadName: 1, hash: 2, base: 3, key: 4, source: 5, scriptPath: 6 } as const;
/** The script's strings in SLOT order. */
export type Slots = [string, string, string, string, string, string, string];

/** What every script of one (shebang, settings) shares. */
export interface SharedScript {
  parts: SettingsParts;
  kind: WorkloadKind;
  hasher: ScriptHasher;
  /** JSON.stringify of the hashed values, with the base, key, source and script path in slots. */
  hashed: JsonTemplate;
  /** The context's pieces described with sentinels for the slots (placehold's values at `slotAt` are the script's). */
  held: Placeheld;
  /** [index in held.values, slot]. */
  slotAt: [number, number][];
}

/** One script on the shared path: its strings, and what it shares. */
export interface MemoHit {
  slots: Slots;
  shared: SharedScript;
}

interface Header {
  sh: ShebangSummary;
  /** Whether its strings hold the sentinel characters (see json-template.ts). */
  sentinelChars: boolean;
  pinned: boolean;
  flakes: boolean;
  bySettings: WeakMap<SettingsParts, SharedScript | null>;
}

type SettingsOf = (resolved: CheckedScript['settings'], pinned: boolean, flakes?: boolean) => SettingsParts;

/** Per renderer. Answers undefined for a script the shared path does not take (see `shareable`): buildContext renders it. */
export function contextMemo(hashers: (kind: WorkloadKind) => ScriptHasher, settingsOf: SettingsOf, memo: SharedDescriptions): (script: CheckedScript) => MemoHit | undefined {
  const byModel = new WeakMap<ShebangModel, Header>();
  // Equal headers in distinct model objects (one per script) meet here, by content.
  const byContent = new Map<string, Header>();
  const headerOf = (model: ShebangModel): Header => {
    let h = byModel.get(model);
    if (!h) {
      const sh = summarizeShebang(model);
      const key = JSON.stringify([sh.dialect, sh.interpreter, sh.run, sh.packages, sh.nixPath, sh.pure, sh.keep]);
      h = byContent.get(key);
      if (!h) byContent.set(key, (h = { sh, sentinelChars: mayHoldSentinels(key), pinned: pinsNixpkgs(sh.nixPath), flakes: sh.dialect === 'nix', bySettings: new WeakMap() }));
      byModel.set(model, h);
    }
    return h;
  };
  return (script) => {
    if (script.bundle !== null) return undefined;
    const header = headerOf(script.model);
    const parts = settingsOf(script.settings, header.pinned, header.flakes);
    let shared = header.bySettings.get(parts);
    if (shared === undefined) header.bySettings.set(parts, (shared = shareable(header, parts) ? buildShared(script, header, parts, hashers, memo) : null));
    if (shared === null) return undefined;
    const base = scriptBase(script.fileName, script.settings?.settings);
    const key = dataKeyFor(script.fileName);
    const scriptPath = `${MOUNT_DIR}/${key}`;
    // An empty or marked string would describe (or placehold) otherwise than the sentinel that stood for it.
    if (base === '' || hasMark(base) || hasMark(key) || hasMark(script.source) || script.source === '') return undefined;
    const slots: Slots = ['', '', '', base, key, script.source, scriptPath];
    const h = shared.hasher([script.bytes, fillJson(shared.hashed, slots), parts.hashed]);
    const name = `${base}-${h}`;
    slots[SLOT.name] = name;
    slots[SLOT.workloadName] = shared.kind === 'cronjob' ? base : name;
    slots[SLOT.hash] = h;
    return { slots, shared };
  };
}

/**
 * The runtimes whose values depend on the script only through its header and
 * its strings: nix-shell, and any runtime for a `#! nix` script (see
 * runtimeFacts). Nixery's command and a prebuilt image's tag are the script's own.
 * (A script that ships files never gets here: see contextMemo.)
 */
function shareable(header: Header, parts: SettingsParts): boolean {
  return header.flakes || (parts.settings.runtime ?? 'nix-shell') === 'nix-shell';
}

function buildShared(script: CheckedScript, header: Header, parts: SettingsParts, hashers: (kind: WorkloadKind) => ScriptHasher, memo: SharedDescriptions): SharedScript | null {
  const s = parts.settings;
  const hashedOf = (slot: SlotString) => {
    const scriptPath = slot(SLOT.scriptPath);
    const rt = runtimeFacts(script, s, scriptPath);
    return hashedValues({ base: slot(SLOT.base), key: slot(SLOT.key), source: slot(SLOT.source), scriptPath }, header.sh, s, rt, null, null);
  };
  // Strings of the header's or the settings' own that hold the sentinel characters could pass for a sentinel: then both families are built and compared.
  const twice = header.sentinelChars || mayHoldSentinels(parts.hashed) || mayHoldSentinels(s.namespace ?? '');
  const hashed = jsonTemplate(hashedOf, twice);
  if (!hashed) return null;
  const own = (slot: SlotString): ScriptValues => ownValues(hashedOf(slot), slot(SLOT.name), slot(SLOT.hash), s, header.flakes);
  const [a, b] = (twice ? withSentinels(own) : [own(sentinels0)]).map((v) => placehold([v, parts.context], memo));
  if (!a || (twice && (!b || a.shape !== b.shape || a.values.length !== b.values.length))) return null;
  const slotAt = slotPlaces(a.values, twice ? b?.values : undefined);
  if (!slotAt) return null;
  return { parts, kind: s.kind, hasher: hashers(s.kind), hashed, held: a, slotAt };
}

/**
 * Where the slots' sentinels stand in placehold's values: [index, slot]. With
 * the second family's values, a slot counts only where both families agree,
 * and every other value must be the same in both (else: undefined).
 */
function slotPlaces(a: readonly string[], b: readonly string[] | undefined): [number, number][] | undefined {
  const out: [number, number][] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const slot = slotOf(x, 0);
    if (b === undefined) {
      if (slot !== undefined) out.push([i, slot]);
      continue;
    }
    const y = b[i] as string;
    if (slot !== undefined && slotOf(y, 1) === slot) out.push([i, slot]);
    else if (x !== y) return undefined;
  }
  return out;
}
