import { finding, withPath, type Diagnostic, type Finding } from '../diagnostic.js';
import { isNixShellScript, parseShebang, type ShebangModel } from '../shebang/parse.js';
import { checkCommand } from './command-rules.js';
import { checkPackages, checkQuoting } from './package-rules.js';
import { checkSource } from './source-rules.js';

export interface ScriptInput {
  /** The path as the user should see it (relative to the working directory). */
  path: string;
  bytes: Uint8Array;
  /** Named on the command line, rather than found in a folder. */
  explicit: boolean;
}

export interface CheckedScript {
  path: string;
  fileName: string;
  bytes: Uint8Array;
  /** The script as text, or null when it is not valid UTF-8 (it then goes to binaryData). */
  text: string | null;
  model: ShebangModel;
  diagnostics: Diagnostic[];
  /** A file in a folder that is not a nix-shell script: left out, counted. */
  skipped: boolean;
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

export function checkScript(input: ScriptInput): CheckedScript {
  const text = decodeScript(input.bytes);
  // Nix reads bytes; latin1 maps each byte to one character, so positions and ASCII syntax survive.
  const raw = text ?? latin1.decode(input.bytes);
  // A BOM hides the #! line from Nix (reported below); read the rest as if it were absent.
  const model = parseShebang(raw.startsWith('\uFEFF') ? raw.slice(1) : raw);
  const fileName = baseName(input.path);
  const base = { path: input.path, fileName, bytes: input.bytes, text, model };
  const isScript = isNixShellScript(model);
  if (!isScript && !input.explicit) {
    return { ...base, diagnostics: [], skipped: true };
  }
  const findings: Finding[] = checkSource(text ?? '', input.bytes.length, model);
  if (!isScript) findings.push(...notAScript(model));
  else {
    // Where nix-shell itself stops, later checks would only guess: report the stop.
    if (model.error) findings.push(model.error, ...checkQuoting(model));
    else findings.push(...checkCommand(model, fileName), ...checkPackages(model), ...checkQuoting(model));
  }
  return { ...base, diagnostics: withPath(input.path, dedupe(findings)), skipped: false };
}

function notAScript(model: ShebangModel): Finding[] {
  if (!model.hasShebang) {
    return [finding({ line: model.firstLine?.line ?? 1, col: 1 }, 'error', 'not-a-script', 'the first line is not a #! line, so nix-shell reads the file as a Nix expression', 'start the file with: #! /usr/bin/env nix-shell')];
  }
  const newStyle = /^#!.*\bnix\b(?!-)/.test(model.firstLine?.text ?? '');
  const hint = newStyle
    ? 'new-style `#! nix` shebangs are not supported yet: use #! nix-shell -i INTERPRETER -p PACKAGES'
    : 'add a line: #! nix-shell -i bash -p PACKAGES';
  return [finding({ line: model.firstLine?.line ?? 1, col: 1 }, 'error', 'no-nix-shell-line', 'no #! nix-shell line: nothing says which packages the script needs', hint)];
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
