/**
 * A small lexer for the Nix language, following src/libexpr/lexer.l closely
 * enough to tell whether a `-p` word or `--arg` expression can parse: strings
 * and indented strings with interpolation, comments, paths and URIs.
 */
import { followsRun, PATH_RUN, URI_RUN, type RunRule } from './scanner.js';

export type TokenKind = 'id' | 'number' | 'path' | 'hpath' | 'spath' | 'uri' | 'string' | 'op';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 0-based offset in the lexed text. */
  start: number;
}

export interface LexError {
  offset: number;
  message: string;
  rule: 'nix-comment' | 'nix-syntax';
}

export interface LexResult {
  tokens: Token[];
  error?: LexError;
}

const PC = '[a-zA-Z0-9._\\-+]';
const RULES: [TokenKind, RegExp][] = [
  ['uri', /[a-zA-Z][a-zA-Z0-9+\-.]*:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+/y],
  ['path', new RegExp(`${PC}*(?:/${PC}+)+/?`, 'y')],
  ['hpath', new RegExp(`~(?:/${PC}+)+/?`, 'y')],
  ['spath', new RegExp(`<${PC}+(?:/${PC}+)*>`, 'y')],
  ['number', /(?:(?:[1-9][0-9]*\.[0-9]*)|(?:0?\.[0-9]+))(?:[Ee][+-]?[0-9]+)?|[0-9]+/y],
  ['id', /[a-zA-Z_][a-zA-Z0-9_'-]*/y],
  ['op', /\.\.\.|==|!=|<=|>=|&&|\|\||->|\/\/|\+\+|[()[\]{};:.,=?@+\-*/!<>]/y],
];

/** A path needs a '/', and a URI a ':', where its leading run ends: else its regex is not tried (see scanner.ts's followsRun). */
const NEEDS_AFTER_RUN: Partial<Record<TokenKind, RunRule>> = { uri: URI_RUN, path: PATH_RUN };

/** flex picks the longest match; on a tie, the earlier rule. */
function longestMatch(s: string, p: number): Token | undefined {
  let best: Token | undefined;
  for (const [kind, re] of RULES) {
    const need = NEEDS_AFTER_RUN[kind];
    if (need && !followsRun(s, p, need)) continue;
    re.lastIndex = p;
    const m = re.exec(s);
    if (m && (!best || m[0].length > best.text.length)) best = { kind, text: m[0], start: p };
  }
  return best;
}

export function lexNix(s: string): LexResult {
  const tokens: Token[] = [];
  let p = 0;
  const fail = (offset: number, message: string, rule: LexError['rule'] = 'nix-syntax'): LexResult => ({ tokens, error: { offset, message, rule } });
  while (p < s.length) {
    const c = s[p] as string;
    if (/[ \t\r\n]/.test(c)) p++;
    else if (c === '#') return fail(p, "'#' starts a Nix comment that runs to the end of the line", 'nix-comment');
    else if (s.startsWith('/*', p)) {
      const end = s.indexOf('*/', p + 2);
      if (end < 0) return fail(p, "'/*' opens a Nix comment that is never closed", 'nix-comment');
      p = end + 2;
    } else if (c === '"' || s.startsWith("''", p)) {
      const r = lexString(s, p);
      if (typeof r === 'string') return fail(p, r);
      tokens.push({ kind: 'string', text: s.slice(p, r), start: p });
      p = r;
    } else if (s.startsWith('${', p)) {
      tokens.push({ kind: 'op', text: '${', start: p });
      p += 2;
    } else {
      const t = longestMatch(s, p);
      if (!t) return fail(p, `'${c}' is not valid Nix here`);
      tokens.push(t);
      p += t.text.length;
    }
  }
  return { tokens };
}

/** End offset of the string starting at p, or an error message. Interpolations are lexed recursively. */
function lexString(s: string, p: number): number | string {
  const indented = s[p] === "'";
  let i = p + (indented ? 2 : 1);
  while (i < s.length) {
    if (indented) {
      if (s.startsWith("'''", i) || s.startsWith("''$", i)) i += 3;
      else if (s.startsWith("''\\", i)) i += 4;
      else if (s.startsWith("''", i)) return i + 2;
      else if (s.startsWith('${', i)) {
        const end = skipInterpolation(s, i + 2);
        if (typeof end === 'string') return end;
        i = end;
      } else i++;
    } else if (s[i] === '\\') i += 2;
    else if (s[i] === '"') return i + 1;
    else if (s.startsWith('$${', i)) i += 3;
    else if (s.startsWith('${', i)) {
      const end = skipInterpolation(s, i + 2);
      if (typeof end === 'string') return end;
      i = end;
    } else i++;
  }
  return indented ? "an indented string ('') is never closed" : 'a string (") is never closed';
}

function skipInterpolation(s: string, from: number): number | string {
  let depth = 1;
  let i = from;
  while (i < s.length) {
    const c = s[i];
    if (c === '"' || s.startsWith("''", i)) {
      const end = lexString(s, i);
      if (typeof end === 'string') return end;
      i = end;
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      if (--depth === 0) return i + 1;
      i++;
    } else i++;
  }
  return "an interpolation '${' is never closed";
}
