import { finding, type Finding } from '../diagnostic.js';
import type { ShebangModel } from '../shebang/parse.js';

/** ConfigMap data is limited to 1 MiB in total (apiserver validation). */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;
/** Linux reads at most this many bytes of a `#!` line (BINPRM_BUF_SIZE - 1). */
export const KERNEL_SHEBANG_MAX = 255;

const utf8 = new TextEncoder();

/** Problems with the file as bytes and lines, before its shebang words. */
export function checkSource(text: string, byteLength: number, model: ShebangModel, shippedFiles = 0): Finding[] {
  const out: Finding[] = [];
  if (text.startsWith('\uFEFF')) {
    out.push(finding({ line: 1, col: 1 }, 'error', 'bom', 'the file starts with a byte-order mark: neither the kernel nor nix-shell sees the #! line', 'save the file as UTF-8 without BOM'));
  }
  const crlf = text.indexOf('\r\n');
  if (crlf >= 0) {
    const line = countLines(text, crlf);
    const col = crlf - text.lastIndexOf('\n', crlf - 1);
    const shebang = model.hasShebang ? model.firstLine?.text : undefined;
    out.push(finding({ line, col }, 'error', 'crlf', `CRLF line endings: ${shebang?.endsWith('\r') ? `${crOnFirstLine(shebang)} and ` : ''}bash reads "\\r" into every command`, 'convert the file to LF line endings (dos2unix, or your editor\'s line-ending setting)'));
  }
  if (byteLength > CONFIGMAP_MAX_BYTES) {
    const what = shippedFiles > 0 ? `the script and the ${shippedFiles} file${shippedFiles === 1 ? '' : 's'} it names are` : 'the script is';
    out.push(finding({ line: 1, col: 1 }, 'error', 'too-large', `${what} ${byteLength} bytes; a ConfigMap holds at most ${CONFIGMAP_MAX_BYTES} bytes (1 MiB)`, 'split the script, or fetch its large parts at run time'));
  }
  const first = model.firstLine;
  // A UTF-16 unit is at most 3 bytes of UTF-8: a line that short needs no counting.
  if (first && model.hasShebang && first.text.length * 3 > KERNEL_SHEBANG_MAX) {
    const bytes = utf8.encode(first.text.replace(/\r$/, '')).length;
    if (bytes > KERNEL_SHEBANG_MAX) {
      out.push(finding({ line: first.line, col: KERNEL_SHEBANG_MAX + 1 }, 'warning', 'long-first-line', `the first line is ${bytes} bytes; Linux reads only ${KERNEL_SHEBANG_MAX}, so running the script directly breaks (the Pod is fine: it runs nix-shell on the file)`, 'move arguments to #! nix-shell lines below the first'));
    }
  }
  return out;
}

/** What the "\r" ending a `#!` line does: it sticks to the line's last word, the script's own program (`nix\r`) or an argument. */
function crOnFirstLine(first: string): string {
  const words = first.slice(2).replace(/[ \t\r]+$/, '').trim().split(/[ \t]+/);
  const last = words[words.length - 1] ?? '';
  // `#!/bin/bash` or `#!/usr/bin/env PROGRAM`: the last word is the program looked for.
  const isProgram = words.length === 1 || (words.length === 2 && /(?:^|\/)env$/.test(words[0] ?? ''));
  return isProgram ? `the kernel looks for an interpreter named "${last}\\r"` : `the #! line's last word reaches its program as "${last}\\r"`;
}

function countLines(text: string, upTo: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < upTo; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
