/**
 * The default-mode tokens of Nix's lexer (src/libexpr/lexer.l, Nix 2.26), one
 * at a time from any offset: flex's longest match, the earlier rule on a tie.
 * Strings, indented strings and the rest of a path after its first token are
 * read by the parser (nix/parser.ts), which switches modes as the lexer's
 * start conditions do.
 */
export interface Tok {
  /** ID, INT, FLOAT, PATH, HPATH, PATH_SEG, HPATH_START, SPATH, URI, EOF; else the keyword or operator itself. */
  t: string;
  text: string;
  start: number;
  end: number;
}

/** A parse error, by offset in the expression. */
export class NixParseError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const PC = '[a-zA-Z0-9._\\-+]';
export const PATH_CONTINUATION = new RegExp(`${PC}*(?:/${PC}+)+/?|${PC}*/|${PC}+`, 'y');
// Longest first: a regex alternation takes the first that matches, flex the longest.
const KEYWORDS = ['inherit', 'assert', 'then', 'else', 'with', 'let', 'rec', 'if', 'in', 'or'];
const RULES: [string, RegExp][] = [
  ['KW', new RegExp(`(?:${KEYWORDS.join('|')})`, 'y')],
  ['OP', /\.\.\.|==|!=|<=|>=|&&|\|\||->|\/\/|\+\+|<\||\|>/y],
  ['ID', /[a-zA-Z_][a-zA-Z0-9_'-]*/y],
  ['INT', /[0-9]+/y],
  ['FLOAT', /(?:[1-9][0-9]*\.[0-9]*|0?\.[0-9]+)(?:[Ee][+-]?[0-9]+)?/y],
  ['OP', /\$\{|''(?: *\n)?/y],
  ['PATH_SEG', new RegExp(`${PC}*/(?=\\$\\{)`, 'y')],
  ['HPATH_START', /~\/(?=\$\{)/y],
  ['PATH', new RegExp(`${PC}*(?:/${PC}+)+/?`, 'y')],
  ['HPATH', new RegExp(`~(?:/${PC}+)+/?`, 'y')],
  ['SPATH', new RegExp(`<${PC}+(?:/${PC}+)*>`, 'y')],
  ['URI', /[a-zA-Z][a-zA-Z0-9+\-.]*:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+/y],
];
// PATH_SEG and PATH need a '/' where their leading run of path characters ends, and URI a ':' where its scheme's run ends:
// where it is not there, the rule is not tried (a regex would scan the run again from each token in it: quadratic in a
// long dotted word such as `x.a.a.a…`).
/** A leading run of `cls` characters (the first also `first`) that a token needs `after` (see followsRun). */
export interface RunRule {
  cls: RegExp;
  after: string;
  first?: RegExp;
}
/** What a path's and a URI's leading run needs after it; also for lexer.ts. */
export const PATH_RUN: RunRule = { cls: new RegExp(PC), after: '/' };
export const URI_RUN: RunRule = { cls: /[a-zA-Z0-9+\-.]/, after: ':', first: /[a-zA-Z]/ };
const NEEDS_AFTER_RUN: Record<string, RunRule> = { PATH_SEG: PATH_RUN, PATH: PATH_RUN, URI: URI_RUN };
// The `${` that follows PATH_SEG and HPATH_START counts in flex's match length.
const LOOKAHEAD_BONUS: Record<string, number> = { PATH_SEG: 2, HPATH_START: 2 };
const TRIVIA = /(?:[ \t\r\n]+|#[^\r\n]*|\/\*(?:[^*]|\*+[^*/])*\*+\/)*/y;
const INT_MAX = 9223372036854775807n;

/** The token at `p`, after whitespace and comments. */
export function lexToken(s: string, p: number): Tok {
  TRIVIA.lastIndex = p;
  TRIVIA.exec(s);
  const start = TRIVIA.lastIndex;
  if (start >= s.length) return { t: 'EOF', text: '', start, end: start };
  let best: Tok | undefined;
  let bestLen = 0;
  for (const [kind, re] of RULES) {
    const need = NEEDS_AFTER_RUN[kind];
    if (need && !followsRun(s, start, need)) continue;
    re.lastIndex = start;
    const m = re.exec(s);
    if (!m) continue;
    const len = m[0].length + (LOOKAHEAD_BONUS[kind] ?? 0);
    if (len > bestLen) {
      bestLen = len;
      const t = kind === 'KW' || kind === 'OP' ? (m[0].startsWith("''") ? "''" : m[0]) : kind;
      best = { t, text: m[0], start, end: start + m[0].length };
    }
  }
  // Anything else is a token of its own character, which the grammar then accepts or not.
  const tok = best ?? { t: s[start] as string, text: s[start] as string, start, end: start + 1 };
  if (tok.t === 'INT' && BigInt(tok.text) > INT_MAX) throw new NixParseError(start, `invalid integer '${tok.text}'`);
  return tok;
}

/**
 * Whether the run of `cls` characters from `p` (its first one also `first`)
 * is followed by `after`. The end of the run is remembered, per class, for
 * the next token inside the same run: each long run is scanned once.
 */
export function followsRun(s: string, p: number, { cls, after, first }: RunRule): boolean {
  if (first && !first.test(s[p] ?? '')) return false;
  let r = runs.get(cls);
  if (!r || r.s !== s || p < r.from || p > r.end) {
    let e = p;
    while (e < s.length && cls.test(s[e] as string)) e++;
    runs.set(cls, (r = { s, from: p, end: e }));
  }
  return s[r.end] === after;
}

const runs = new Map<RegExp, { s: string; from: number; end: number }>();

/** How a token reads in a message. */
export function describeToken(tok: Tok): string {
  return tok.t === 'EOF' ? 'end of file' : `'${tok.text.replace(/\n/g, '\\n')}'`;
}

/**
 * The end of a "…" string's body starting at `p`, calling `interpolate` at each
 * `${` (it returns the offset after the closing `}`). STRING start condition.
 */
export function scanString(s: string, p: number, interpolate: (at: number) => number): { end: number; literal: string | null } {
  let i = p;
  let literal: string | null = '';
  while (i < s.length) {
    const c = s[i];
    if (c === '"') return { end: i + 1, literal };
    if (c === '\\') {
      if (literal !== null) literal += unescape(s[i + 1] ?? '');
      i += 2;
    } else if (c === '$' && s[i + 1] === '{') {
      i = interpolate(i + 2);
      literal = null;
    } else {
      // `$` takes the next character with it (so `$${` is literal), except a closing quote.
      const n = c === '$' && s[i + 1] !== '"' ? (s[i + 1] === '\\' ? 3 : 2) : 1;
      if (literal !== null) literal += s.slice(i, i + n);
      i += n;
    }
  }
  throw new NixParseError(s.length, 'syntax error: unexpected end of file in a string (a " is never closed)');
}

function unescape(c: string): string {
  return c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c;
}

/** The same for an indented string ''…'' (IND_STRING start condition). */
export function scanIndString(s: string, p: number, interpolate: (at: number) => number): { end: number; interpolated: boolean } {
  let i = p;
  let interpolated = false;
  while (i < s.length) {
    if (s.startsWith("''$", i) || s.startsWith("'''", i)) i += 3;
    else if (s.startsWith("''\\", i)) i += 4;
    else if (s.startsWith("''", i)) return { end: i + 2, interpolated };
    else if (s.startsWith('${', i)) {
      i = interpolate(i + 2);
      interpolated = true;
    } else if (s[i] === '$') i += s[i + 1] === "'" ? 1 : 2;
    else i++;
  }
  throw new NixParseError(s.length, "syntax error: unexpected end of file in an indented string ('' is never closed)");
}
