import { finding, type Finding } from '../diagnostic.js';
import { analyzeNixWord } from '../nix/word.js';
import type { ShebangModel } from '../shebang/parse.js';
import { colAt } from '../shebang/shellwords.js';
import { pathRefFindings } from './path-refs.js';

/** Each `-p` word must be a Nix expression that stands alone inside `( … )`. */
export function checkPackages(model: ShebangModel): Finding[] {
  const a = model.args;
  const out: Finding[] = [];
  if (!a.packagesFlag) return out;
  const seen = new Set<string>();
  for (const w of a.positional) {
    const r = analyzeNixWord(w.value);
    if (r.problem) {
      const p = r.problem;
      out.push(finding({ line: w.line, col: colAt(w, p.offset) }, 'error', p.rule, `package '${w.value}': ${p.message}`, p.hint));
    } else {
      out.push(...pathRefFindings(w, r.paths, `package '${w.value}'`));
    }
    if (seen.has(w.value)) {
      out.push(finding(w, 'warning', 'duplicate-package', `package '${w.value}' is listed more than once`, 'remove the repeat'));
    }
    seen.add(w.value);
  }
  return out;
}

/** Single quotes work from Nix 2.19 on; older nix-shell splits such words apart. */
export function checkQuoting(model: ShebangModel): Finding[] {
  return model.words
    .filter((w) => w.singleQuoted)
    .map((w) => finding(w, 'warning', 'single-quotes', `'${w.value}' uses single quotes, which Nix before 2.19 does not understand (it splits the word at spaces)`, 'use double quotes to work with every Nix version'));
}
