import { bufferOf } from '../bytes.js';
import type { Diagnostic } from '../diagnostic.js';
import type { ShebangModel } from '../shebang/parse.js';
import type { ResolvedSettings } from '../settings/types.js';
import type { LocalRef } from '../bundle/refs.js';
import { baseName, checkScript, type CheckedScript, type HeaderMemo, type ScriptInput } from './script.js';

/** Never a path: a NUL cannot be in one. The extension is kept (hints name an interpreter by it). */
const SENTINEL = '\u0000nixpod-script\u0000';

/**
 * A script checked under a sentinel path, whose result other scripts of the
 * same header and context take with their own path written in (see memo.ts).
 */
export class Shared {
  private readonly path: string;
  private readonly result: CheckedScript;
  /** Per finding, how to write a script's path into it: worked out once, not per script. */
  private readonly plans: DiagnosticPlan[];
  /** Whether any finding names the path (most have none at all). */
  private readonly named: boolean;

  constructor(path: string, result: CheckedScript) {
    this.path = path;
    this.result = result;
    this.plans = result.diagnostics.map((d) => planFor(d, path));
    this.named = this.plans.some((p) => p.kind !== 'keep');
  }

  /** The shared result as `input`'s own: its path, source, bytes and text, the shared model, settings and findings. */
  withOwnPath(input: ScriptInput): CheckedScript {
    const r = this.result;
    const diagnostics = this.named ? this.plans.map((p) => repath(p, this.path, input.path)) : r.diagnostics.slice();
    return new SharedScript(input.path, input.source ?? input.path, input.bytes, r.model, diagnostics, r.localRefs, r.settings as ResolvedSettings);
  }
}

/**
 * A CheckedScript of a shared result. A class, not an object literal with a
 * getter: no closure per script, one shape for thousands. The text is valid
 * UTF-8 (see memo.ts), decoded when asked for, never kept (thousands of
 * scripts would hold every text twice). It is an own enumerable accessor, as
 * in an object literal, so that a spread (`{...script, settings}`) copies it.
 */
class SharedScript implements CheckedScript {
  readonly fileName: string;
  readonly skipped = false;
  readonly bundle = null;
  declare readonly text: string;
  constructor(
    readonly path: string,
    readonly source: string,
    readonly bytes: Uint8Array,
    readonly model: ShebangModel,
    readonly diagnostics: Diagnostic[],
    readonly localRefs: LocalRef[],
    readonly settings: ResolvedSettings,
  ) {
    this.fileName = baseName(path);
    Object.defineProperty(this, 'text', TEXT);
  }
}

/**
 * Whether a checked script is text (its `text` is not null), without decoding
 * it: a shared result's script is always valid UTF-8 (see memo.ts), and its
 * text is decoded anew on each read.
 */
export function isTextScript(script: CheckedScript): boolean {
  return script instanceof SharedScript || script.text !== null;
}

/** One getter for every script: it reads `this`, so no closure is made per script. */
const TEXT: PropertyDescriptor = Object.freeze({
  get(this: { bytes: Uint8Array }): string {
    return bufferOf(this.bytes).toString('utf8');
  },
  enumerable: true,
  configurable: true,
});

/** The script checked under the sentinel path; null when its result is not one to share. */
export function sharedCheck(input: ScriptInput, ext: string, memo?: HeaderMemo): Shared | null {
  const path = `${SENTINEL}/s${ext}`;
  const result = checkScript({ ...input, path, source: path }, memo);
  const m = result.model;
  // Only plain nix-shell scripts: a `#! nix` script's lines are scanned past its header, and local files are read per script.
  if (result.skipped || m.dialect !== 'nix-shell' || m.lines.length === 0 || result.localRefs.length > 0 || result.settings === undefined) return null;
  return new Shared(path, result);
}

type DiagnosticPlan =
  /** Names no path: shared as it is. */
  | { kind: 'keep'; d: Diagnostic }
  /** Has exactly the fields a finding has, in finding order (see diagnostic.ts), and only its path field is the sentinel: written as a literal. */
  | { kind: 'path'; d: Diagnostic }
  /** Anything else: copied and every sentinel swapped. */
  | { kind: 'swap'; d: Diagnostic };

const FINDING_KEYS = 'path,line,col,severity,rule,message';

function planFor(d: Diagnostic, path: string): DiagnosticPlan {
  const inText = d.message.includes(path) || (d.hint?.includes(path) ?? false);
  if (d.path !== path && !inText) return { kind: 'keep', d };
  const keys = Object.keys(d).join(',');
  const plain = keys === FINDING_KEYS || (keys === `${FINDING_KEYS},hint` && d.hint !== undefined);
  return { kind: plain && !inText ? 'path' : 'swap', d };
}

function repath(p: DiagnosticPlan, from: string, to: string): Diagnostic {
  const d = p.d;
  if (p.kind === 'keep') return d;
  if (p.kind === 'path') {
    return d.hint === undefined
      ? { path: to, line: d.line, col: d.col, severity: d.severity, rule: d.rule, message: d.message }
      : { path: to, line: d.line, col: d.col, severity: d.severity, rule: d.rule, message: d.message, hint: d.hint };
  }
  const out: Diagnostic = { ...d, path: d.path === from ? to : d.path, message: swap(d.message, from, to) };
  if (d.hint !== undefined) out.hint = swap(d.hint, from, to);
  return out;
}

/** Every `from` in `text` becomes `to`, as written: a path may hold `$&` or `$'`, which replaceAll would expand. */
function swap(text: string, from: string, to: string): string {
  return text.split(from).join(to);
}
