import { isUtf8 } from 'node:buffer';
import { bufferOf } from '../bytes.js';
import { layersKey } from '../settings/script-settings.js';
import { CONFIGMAP_MAX_BYTES } from './source-rules.js';
import { extOf } from './command-rules.js';
import { baseName, checkScript, HeaderMemo, type CheckedScript, type ScriptInput } from './script.js';
import { sharedCheck, type Shared } from './shared-result.js';

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
 * distinct headers: one parse each. And a header met again under other
 * nixpod.yaml layers is not parsed again: its parses and the shebang rules'
 * findings are kept per header (HeaderMemo), only the settings are worked out
 * per layers.
 *
 * Not shared (checked in full each time): scripts that name local files (the
 * files are read per script), that have `#! nixpod` lines (their settings
 * carry the script's path), that are not `#! nix-shell` scripts, or that
 * could have whole-file findings. Results are shared objects: callers never
 * change a CheckedScript's model, settings or findings.
 */
export function createChecker(): (input: ScriptInput) => CheckedScript {
  // By context (extension, explicit, layers, options), then by header: the long header is hashed once, not within a longer key.
  const cache = new Map<string, Map<string, Shared | null>>();
  // By context without the layers, then by header.
  const memos = new Map<string, Map<string, HeaderMemo>>();
  let size = 0;
  return (input) => {
    const buf = bufferOf(input.bytes);
    const header = input.resolved === undefined ? headerOf(buf) : undefined;
    if (header === undefined) return checkScript(input);
    const base = baseContextOf(input);
    const context = input.settingsLayers === undefined ? base : `${base}\u0000${layersKey(input.settingsLayers)}`;
    let byHeader = cache.get(context);
    if (byHeader === undefined) cache.set(context, (byHeader = new Map()));
    let shared = byHeader.get(header);
    if (shared === undefined) {
      // Bounded: a folder of all-different headers must not grow the caches without end.
      if (size >= CACHE_MAX) {
        for (const m of cache.values()) m.clear();
        for (const m of memos.values()) m.clear();
        size = 0;
      }
      let memoOf = memos.get(base);
      if (memoOf === undefined) memos.set(base, (memoOf = new Map()));
      let memo = memoOf.get(header);
      if (memo === undefined) memoOf.set(header, (memo = new HeaderMemo()));
      shared = sharedCheck(input, extOf(baseName(input.path)), memo);
      byHeader.set(header, shared);
      size++;
    }
    if (shared === null) return checkScript(input);
    return shared.withOwnPath(input);
  };
}

const CACHE_MAX = 10_000;

const NL_HASHBANG = Buffer.from('\n#!');

/** The header (the bytes up to the end of the last `#!` line, as latin1), or undefined when the script must be checked on its own. */
function headerOf(buf: Buffer): string | undefined {
  if (buf.length === 0 || buf.length > CONFIGMAP_MAX_BYTES || buf[0] !== 0x23 || buf[1] !== 0x21) return undefined;
  if (buf.indexOf(0x0d) >= 0 || !isUtf8(buf)) return undefined;
  // Starting with `#!`, the file has no BOM, and its first line is the first non-empty one; the header ends with the last `#!` line.
  const last = buf.lastIndexOf(NL_HASHBANG);
  let end = buf.indexOf(0x0a, last < 0 ? 0 : last + 1);
  if (end < 0) end = buf.length;
  const header = buf.toString('latin1', 0, end);
  // `#! nixpod` lines give settings that name the script: checked in full.
  return header.includes('nixpod') ? undefined : header;
}

/** Everything but the header and the layers that the checks read: the extension, explicit and the run's options. */
function baseContextOf(input: ScriptInput): string {
  return `${extOf(baseName(input.path))}\u0000${input.explicit ? 1 : 0}\u0000${input.nixVersion ?? ''}\u0000${input.image ?? ''}\u0000${input.runtime ?? ''}`;
}
