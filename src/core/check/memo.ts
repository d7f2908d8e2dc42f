import { isUtf8 } from 'node:buffer';
import type { Diagnostic } from '../diagnostic.js';
import { layersKey } from '../settings/script-settings.js';
import { CONFIGMAP_MAX_BYTES } from './source-rules.js';
import { baseName, checkScript, type CheckedScript, type ScriptInput } from './script.js';

/**
 * checkScript, once per distinct header. Everything the checks read of a
 * script is its first non-empty line and its `#!` lines (nix-shell's own
 * rule, see shebang/lines.ts), its extension (the interpreter a hint
 * suggests), its settings layers and the run's options; the rest of the file
 * only for whole-file findings (a BOM, CRLF, the size, bytes that are not
 * UTF-8). So a script whose header, up to its last `#!` line, is byte for
 * byte another's, and whose whole-file findings cannot differ (UTF-8, no
 * `\r`, no BOM, within the size limit), gets the other's model, settings and
 * findings, with its own path written in. A folder of scripts has few
 * distinct headers: one parse each.
 *
 * Not shared (checked in full each time): scripts that name local files (the
 * files are read per script), that have `#! nixpod` lines (their settings
 * carry the script's path), that are not `#! nix-shell` scripts, or that
 * could have whole-file findings. Results are shared objects: callers never
 * change a CheckedScript's model, settings or findings.
 */
export function createChecker(): (input: ScriptInput) => CheckedScript {
  const cache = new Map<string, Shared | null>();
  return (input) => {
    const buf = asBuffer(input.bytes);
    const key = input.resolved === undefined ? keyOf(input, buf) : undefined;
    if (key === undefined) return checkScript(input);
    let shared = cache.get(key);
    if (shared === undefined) {
      shared = share(input);
      // Bounded: a folder of all-different headers must not grow the cache without end.
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(key, shared);
    }
    if (shared === null) return checkScript(input);
    return withOwnPath(shared, input, buf);
  };
}

const CACHE_MAX = 10_000;
/** Never a path: a NUL cannot be in one. The extension is kept (hints name an interpreter by it). */
const SENTINEL = '\u0000nixpod-script\u0000';

interface Shared {
  /** The sentinel path the result was made with. */
  path: string;
  result: CheckedScript;
  /** Whether any finding names the path (most have none at all). */
  named: boolean;
}

const NL_HASHBANG = Buffer.from('\n#!');

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The cache key, or undefined when the script must be checked on its own. */
function keyOf(input: ScriptInput, buf: Buffer): string | undefined {
  if (buf.length === 0 || buf.length > CONFIGMAP_MAX_BYTES || buf[0] !== 0x23 || buf[1] !== 0x21) return undefined;
  if (buf.indexOf(0x0d) >= 0 || !isUtf8(buf)) return undefined;
  // Starting with `#!`, the file has no BOM, and its first line is the first non-empty one; the header ends with the last `#!` line.
  const last = buf.lastIndexOf(NL_HASHBANG);
  let end = buf.indexOf(0x0a, last < 0 ? 0 : last + 1);
  if (end < 0) end = buf.length;
  const header = buf.toString('latin1', 0, end);
  // `#! nixpod` lines give settings that name the script: checked in full.
  if (header.includes('nixpod')) return undefined;
  const ext = extOf(baseName(input.path));
  return `${ext}\u0000${input.explicit ? 1 : 0}\u0000${layersKey(input.settingsLayers ?? [])}\u0000${input.nixVersion ?? ''}\u0000${input.image ?? ''}\u0000${input.runtime ?? ''}\u0000${header}`;
}

/** What guessInterpreter reads of a file name. */
function extOf(fileName: string): string {
  return /\.[a-z]+$/i.exec(fileName)?.[0] ?? '';
}

/** The script checked under the sentinel path; null when its result is not one to share. */
function share(input: ScriptInput): Shared | null {
  const path = `${SENTINEL}/s${extOf(baseName(input.path))}`;
  const result = checkScript({ ...input, path, source: path });
  const m = result.model;
  // Only plain nix-shell scripts: a `#! nix` script's lines are scanned past its header, and local files are read per script.
  if (result.skipped || m.dialect !== 'nix-shell' || m.lines.length === 0 || result.localRefs.length > 0) return null;
  const named = result.diagnostics.some((d) => d.path === path || d.message.includes(path) || d.hint?.includes(path));
  return { path, result, named };
}

function withOwnPath(shared: Shared, input: ScriptInput, buf: Buffer): CheckedScript {
  const r = shared.result;
  const diagnostics = shared.named ? r.diagnostics.map((d) => repath(d, shared.path, input.path)) : r.diagnostics.slice();
  const out: CheckedScript = {
    path: input.path,
    source: input.source ?? input.path,
    fileName: baseName(input.path),
    bytes: input.bytes,
    // Valid UTF-8 (see keyOf): decoded when asked for, never kept (thousands of scripts would hold every text twice).
    get text(): string {
      return buf.toString('utf8');
    },
    model: r.model,
    diagnostics,
    skipped: false,
    localRefs: r.localRefs,
    bundle: null,
  };
  if (r.settings) out.settings = r.settings;
  return out;
}

function repath(d: Diagnostic, from: string, to: string): Diagnostic {
  const out: Diagnostic = { ...d, path: d.path === from ? to : d.path, message: swap(d.message, from, to) };
  if (d.hint !== undefined) out.hint = swap(d.hint, from, to);
  return out;
}

/** Every `from` in `text` becomes `to`, as written: a path may hold `$&` or `$'`, which replaceAll would expand. */
function swap(text: string, from: string, to: string): string {
  return text.split(from).join(to);
}
