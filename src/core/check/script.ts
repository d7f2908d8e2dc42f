import type { ResolvedSettings, Runtime } from '../settings/types.js';
import type { Layer } from '../settings/layer.js';
import { scriptSettings } from '../settings/script-settings.js';
import { finding, withPath, type Diagnostic, type Finding } from '../diagnostic.js';
import { isNixShellScript, parseShebang, type ShebangModel } from '../shebang/parse.js';
import { isLegacy, type NixRules } from '../shebang/nix-version.js';
import { checkCommand } from './command-rules.js';
import { checkFlake } from './flake-rules.js';
import { compareReadings, podNix } from './nix-version-rules.js';
import { checkPurePath } from '../runtime/pure-path.js';
import { checkPackages, checkQuoting } from './package-rules.js';
import { checkSource } from './source-rules.js';
import { checkExpressions } from './expr-rules.js';
import { bundleFindings, bundleLayout, type BundleLayout, type ResolvedRefs } from '../bundle/files.js';
import { findLocalRefs, type LocalRef } from '../bundle/refs.js';

export interface ScriptInput {
  /** The path as the user should see it (relative to the working directory). */
  path: string;
  bytes: Uint8Array;
  /** Named on the command line, rather than found in a folder. */
  explicit: boolean;
  /** The script's absolute folder, and what the I/O layer found for its local references (see core/bundle). */
  dir?: string;
  resolved?: ResolvedRefs;
  /** The script's identity in names and annotations: its path from its repository root (see io/scan.ts). Default: path. */
  source?: string;
  /** The settings nixpod.yaml gives this script (its defaults, then its matching rules); the script's own lines go on top. */
  settingsLayers?: readonly Layer[];
  /** `--nix-version` and `--image`: which Nix the Pod runs decides how the script is read (see nix-version-rules.ts). */
  nixVersion?: string | undefined;
  image?: string | undefined;
  /** `--runtime` (or `nixpod image`): on nixery or image no Nix reads the script in the Pod. */
  runtime?: Runtime | undefined;
}

export interface CheckedScript {
  path: string;
  /** See ScriptInput.source. */
  source: string;
  fileName: string;
  bytes: Uint8Array;
  /** The script as text, or null when it is not valid UTF-8 (it then goes to binaryData). */
  text: string | null;
  model: ShebangModel;
  diagnostics: Diagnostic[];
  /** A file in a folder that is not a nix-shell script: left out, counted. */
  skipped: boolean;
  /** Local files the shebang names, shipped with the script. */
  localRefs: LocalRef[];
  /** Where the script and those files go in the Pod, when there are such files and all were found. */
  bundle: BundleLayout | null;
  /** From nixpod.yaml and the script's `#! nixpod` lines (absent: nixpod's defaults, DEFAULT_SETTINGS). */
  settings?: ResolvedSettings;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder('latin1');

export function decodeScript(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * What checkScript works out from a script's header alone, for scripts whose
 * header is byte for byte the same (see memo.ts): its parse under each Nix's
 * rules, and the findings the shebang rules make of each parse. Made once for
 * every nixpod.yaml context the header meets, rather than once per context.
 * Only for scripts that name no local files (their findings read the files).
 */
export class HeaderMemo {
  private readonly models = new Map<NixRules | undefined, ShebangModel>();
  private readonly found = new WeakMap<ShebangModel, Finding[]>();

  parse(text: string, rules?: NixRules): ShebangModel {
    let m = this.models.get(rules);
    if (!m) this.models.set(rules, (m = parseShebang(text, rules ? { rules } : {})));
    return m;
  }

  findings(model: ShebangModel, make: () => Finding[]): Finding[] {
    let f = this.found.get(model);
    if (!f) this.found.set(model, (f = make()));
    return f;
  }
}

export function checkScript(input: ScriptInput, memo?: HeaderMemo): CheckedScript {
  const text = decodeScript(input.bytes);
  // Nix reads bytes; latin1 maps each byte to one character, so positions and ASCII syntax survive.
  const raw = text ?? latin1.decode(input.bytes);
  // A BOM hides the #! line from Nix (reported below); read the rest as if it were absent.
  const parsed = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const fileName = baseName(input.path);
  // The parse, and below the rules' findings, are the header's (and the same for every script of it): see HeaderMemo.
  // Alone (or with files that were read), the script has a memo of its own.
  const header = memo && input.resolved === undefined ? memo : new HeaderMemo();
  const read = readAsPod(input, parsed, header);
  const model = read.model;
  const localRefs = findLocalRefs(model);
  const base = { path: input.path, source: input.source ?? input.path, fileName, bytes: input.bytes, text, model, localRefs, bundle: null };
  const isScript = isNixShellScript(model);
  if (!isScript && !input.explicit) {
    return { ...base, diagnostics: [], skipped: true };
  }
  const shipped = input.resolved?.files ?? [];
  const totalBytes = shipped.reduce((n, f) => n + f.bytes.length, input.bytes.length);
  const findings: Finding[] = checkSource(text ?? '', totalBytes, model, shipped.length).concat(read.findings);
  // concat, not push(...): a line of 100,000 words gives as many findings, more than a call's arguments may be.
  let all = findings;
  if (!isScript) all = all.concat(notAScript(model));
  // Where Nix itself stops, later checks would only guess: report the stop.
  else if (model.error) all = all.concat([model.error], checkQuoting(model));
  else {
    const rules = (): Finding[] =>
      model.dialect === 'nix'
        ? checkFlake(model, fileName).concat(bundleFindings(localRefs, input.resolved))
        : checkCommand(model, fileName).concat(checkPackages(model), checkQuoting(model), bundleFindings(localRefs, input.resolved), checkExpressions(model, input.resolved));
    all = all.concat(header.findings(model, rules));
  }
  const ok = localRefs.length > 0 && input.resolved && input.dir !== undefined && input.resolved.missing.size === 0 && input.resolved.importProblems.length === 0;
  const bundle = ok ? bundleLayout(input.dir as string, fileName, shipped) : null;
  const settings = read.settings;
  // The nixpkgs setting pins the Pod's NIX_PATH: the script is then not unpinned.
  if (settings.settings.settings.nixpkgs !== undefined) all = all.filter((f) => f.rule !== 'unpinned-nixpkgs');
  // nixConfig's flake-registry gives the Pod's nix the user's own registry, which nixpod cannot read: its ids are not ours to judge.
  if (settings.settings.settings.nixConfig['flake-registry'] !== undefined) all = all.filter((f) => f.rule !== 'unknown-flake-id');
  if (!model.error) all = all.concat(checkPurePath(model, input.runtime ?? settings.settings.settings.runtime ?? 'nix-shell'));
  return { ...base, bundle, settings: settings.settings, diagnostics: [...withPath(input.path, dedupe(all)), ...settings.diagnostics], skipped: false };
}

/**
 * The script as the Pod's Nix reads it. The settings (image, nixVersion) say
 * which Nix that is, and they come from the script too: read it as current Nix
 * first, and again with the Pod's rules only when those differ.
 */
function readAsPod(input: ScriptInput, parsed: string, memo: HeaderMemo): { model: ShebangModel; settings: ReturnType<typeof scriptSettings>; findings: Finding[] } {
  const current = memo.parse(parsed);
  const layers = input.settingsLayers ?? [];
  const settings = scriptSettings(input.path, parsed, current, layers);
  if (current.dialect === null) return { model: current, settings, findings: [] };
  const pod = podNix(settings.settings.settings, input);
  if (pod.label === undefined || !isLegacy(pod.rules)) return { model: current, settings, findings: [] };
  const model = memo.parse(parsed, pod.rules);
  return { model, settings: scriptSettings(input.path, parsed, model, layers), findings: compareReadings(current, model, pod.label) };
}

function notAScript(model: ShebangModel): Finding[] {
  if (!model.hasShebang) {
    return [finding({ line: model.firstLine?.line ?? 1, col: 1 }, 'error', 'not-a-script', 'the first line is not a #! line, so nix-shell reads the file as a Nix expression', 'start the file with: #! /usr/bin/env nix-shell')];
  }
  const hint = 'add a line: #! nix-shell -i bash -p PACKAGES (or start the file with #!/usr/bin/env nix and a line #! nix shell nixpkgs#PACKAGE --command bash)';
  return [finding({ line: model.firstLine?.line ?? 1, col: 1 }, 'error', 'no-nix-shell-line', 'no #! nix-shell or #! nix line: nothing says which packages the script needs', hint)];
}

/** One finding per rule and position. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.line}:${f.col}:${f.rule}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
