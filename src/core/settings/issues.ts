import type { Severity } from '../diagnostic.js';

/** Where inside a setting's value a problem is: keys and list indexes, as in the YAML. */
export type ValuePath = readonly (string | number)[];

/**
 * A problem with one setting's value, before it is tied to a file: the config
 * reader puts it at the YAML node `path` names (its key when `onKey`), the
 * `#! nixpod` reader at the word.
 */
export interface Issue {
  path: ValuePath;
  rule: string;
  message: string;
  hint?: string;
  onKey?: boolean;
  severity?: Severity;
}

export interface Parsed<T> {
  /** Undefined when the value is unusable (then there is at least one error issue). */
  value: T | undefined;
  issues: Issue[];
}

export function issue(path: ValuePath, rule: string, message: string, hint?: string, extra: Partial<Issue> = {}): Issue {
  return { path, rule, message, ...(hint !== undefined ? { hint } : {}), ...extra };
}

export const ok = <T>(value: T, issues: Issue[] = []): Parsed<T> => ({ value, issues });
export const bad = <T>(...issues: Issue[]): Parsed<T> => ({ value: undefined, issues });

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string '${v}'`;
  return `the ${typeof v} ${String(v)}`;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
