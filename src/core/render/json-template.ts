import { bufferOf } from '../bytes.js';

/**
 * JSON.stringify of a value in which only a few strings differ from script to
 * script: stringified once with sentinels in their places, then filled per
 * script with each string's own JSON.stringify. The same bytes by
 * construction: a string's JSON is the same alone and inside a document.
 */
const OPEN = '\uE0F0';
const CLOSE = '\uE0F1';
const SENTINEL = /^\uE0F0([01]):(\d+)\uE0F1$/;
const SENTINEL_JSON = /"\uE0F0([01]):(\d+)\uE0F1"/g;

/** What stands for slot `slot`'s string in a template built with sentinel family `family` (0 or 1). */
export type SlotString = (slot: number) => string;

const familyOf = (family: 0 | 1): SlotString => (slot) => `${OPEN}${family}:${slot}${CLOSE}`;

/** The slot a sentinel of `family` stands for, or undefined for any other string. */
export function slotOf(s: string, family: 0 | 1): number | undefined {
  if (s.charCodeAt(0) !== 0xe0f0) return undefined;
  const m = SENTINEL.exec(s);
  return m && Number(m[1]) === family ? Number(m[2]) : undefined;
}

/**
 * Builds the value twice, with two families of sentinels, and keeps what both
 * agree on: a string of the value's own that happens to look like a sentinel
 * is the same in both builds, so it is never taken for a slot.
 */
export function withSentinels<T>(build: (slot: SlotString) => T): [T, T] {
  return [build(familyOf(0)), build(familyOf(1))];
}

export interface JsonTemplate {
  /** texts[0] slot[0] texts[1] … texts[n]. */
  texts: string[];
  slots: number[];
}

/**
 * The template of JSON.stringify(build(…)); undefined when the value's own
 * strings hold the sentinel characters. `twice`: build it with both families
 * and compare (needed only when the value's own strings may hold them: see mayHoldSentinels).
 */
export function jsonTemplate(build: (slot: SlotString) => unknown, twice = true): JsonTemplate | undefined {
  const a = split(JSON.stringify(build(familyOf(0))));
  if (!a || a.slots.some((s) => s.family !== 0)) return undefined;
  if (twice) {
    const b = split(JSON.stringify(build(familyOf(1))));
    if (!b || a.texts.length !== b.texts.length || a.texts.some((t, i) => t !== b.texts[i])) return undefined;
    if (a.slots.some((s, i) => b.slots[i]?.family !== 1 || b.slots[i]?.slot !== s.slot)) return undefined;
  }
  return { texts: a.texts, slots: a.slots.map((s) => s.slot) };
}

/** Whether a text (the JSON of a value's own strings) holds the sentinel characters: only then can a string be taken for a sentinel. */
export function mayHoldSentinels(text: string | Uint8Array): boolean {
  const t = typeof text === 'string' ? text : bufferOf(text);
  return t.includes(OPEN) || t.includes(CLOSE);
}

/** The sentinel family 0 alone, for a value that cannot hold a forged one. */
export const sentinels0: SlotString = familyOf(0);

function split(json: string): { texts: string[]; slots: { family: number; slot: number }[] } | undefined {
  const parts = json.split(SENTINEL_JSON);
  const texts: string[] = [];
  const slots: { family: number; slot: number }[] = [];
  for (let i = 0; i < parts.length; i += 3) {
    const t = parts[i] as string;
    // A sentinel character anywhere but a whole slot: a string of the value's own holds it.
    if (t.includes(OPEN) || t.includes(CLOSE)) return undefined;
    texts.push(t);
    if (i + 1 < parts.length) slots.push({ family: Number(parts[i + 1]), slot: Number(parts[i + 2]) });
  }
  return { texts, slots };
}

/** JSON.stringify of the value with `values[slot]` in each slot. */
export function fillJson(t: JsonTemplate, values: readonly string[]): string {
  let out = t.texts[0] as string;
  for (let i = 0; i < t.slots.length; i++) out += JSON.stringify(values[t.slots[i] as number]) + (t.texts[i + 1] as string);
  return out;
}
