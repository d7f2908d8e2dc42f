import { lexNix, type Token } from './lexer.js';
import { parseNix } from './parser.js';
import { NixParseError } from './scanner.js';

export interface WordProblem {
  /** 0-based offset in the word. */
  offset: number;
  rule: 'empty-package' | 'nix-comment' | 'nix-syntax' | 'invalid-attr-path';
  message: string;
  hint?: string;
}

/** A path literal in a word: a file the expression reads. */
export interface PathRef {
  text: string;
  offset: number;
  kind: 'relative' | 'absolute' | 'home';
}

export interface WordAnalysis {
  problem: WordProblem | undefined;
  paths: PathRef[];
  /** The word is a plain attribute path such as `python3Packages.requests`. */
  attrPath: boolean;
}

const ID = "[a-zA-Z_][a-zA-Z0-9_'-]*";
const ATTR_PATH = new RegExp(`^${ID}(?:\\.(?:${ID}|"[^"\\\\$]*"))*$`);
const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '${': '}' };

/** Words seen before: thousands of scripts name the same few packages, and several checks ask about each word. */
const analyzed = new Map<string, Readonly<WordAnalysis>>();
const ANALYZED_MAX = 10_000;

/** Check that a word is a Nix expression that can stand alone inside `( … )`. The result is shared: never change it. */
export function analyzeNixWord(word: string): Readonly<WordAnalysis> {
  let a = analyzed.get(word);
  if (a === undefined) {
    if (analyzed.size >= ANALYZED_MAX) analyzed.clear();
    // Frozen, so that a caller that changed a shared result would fail at once rather than skew other scripts.
    const r = analyzeNow(word);
    for (const p of r.paths) Object.freeze(p);
    Object.freeze(r.paths);
    if (r.problem) Object.freeze(r.problem);
    analyzed.set(word, (a = Object.freeze(r)));
  }
  return a;
}

function analyzeNow(word: string): WordAnalysis {
  if (word.trim() === '') {
    const message = word === '' ? 'empty package word: Nix reads `()` and fails with a syntax error' : 'blank package word: Nix reads `( )` and fails with a syntax error';
    return { problem: { offset: 0, rule: 'empty-package', message, hint: "remove the empty quotes ('' or \"\")" }, paths: [], attrPath: false };
  }
  const lexed = lexNix(word);
  const paths = pathRefs(lexed.tokens);
  if (lexed.error) {
    const hint = lexed.error.rule === 'nix-comment' ? 'nix-shell has no comment syntax: move the comment to its own line' : undefined;
    return { problem: { ...lexed.error, ...(hint ? { hint } : {}) }, paths, attrPath: false };
  }
  const attrPath = ATTR_PATH.test(word);
  const problem = attrPath ? keywordProblem(word) : (simpleWordProblem(word, lexed.tokens) ?? balanceProblem(lexed.tokens) ?? parseProblem(word));
  return { problem, paths, attrPath: attrPath && !problem };
}

function pathRefs(tokens: readonly Token[]): PathRef[] {
  const refs: PathRef[] = [];
  for (const t of tokens) {
    if (t.kind === 'hpath') refs.push({ text: t.text, offset: t.start, kind: 'home' });
    else if (t.kind === 'path') refs.push({ text: t.text, offset: t.start, kind: t.text.startsWith('/') ? 'absolute' : 'relative' });
  }
  return refs;
}

function keywordProblem(word: string): WordProblem | undefined {
  const kw = word.split('.').find((part) => KEYWORDS.has(part));
  if (kw === undefined) return undefined;
  return { offset: word.indexOf(kw), rule: 'invalid-attr-path', message: `'${kw}' is a Nix keyword, not a package name`, hint: `quote it as an attribute: pkgs."${kw}"` };
}

/** A word with no spaces or brackets must be one literal or an attribute path. */
function simpleWordProblem(word: string, tokens: readonly Token[]): WordProblem | undefined {
  if (/[\s()[\]{}"]/.test(word) || word.includes("''")) return undefined;
  const only = tokens.length === 1 ? tokens[0] : undefined;
  if (only && only.kind !== 'op' && only.kind !== 'id') return undefined;
  const bad = /^[0-9]/.test(word) ? 0 : firstBadAttrChar(word);
  const what = bad === 0 && /^[0-9]/.test(word) ? 'starts with a digit' : `has '${word[bad]}' where a name or dot should be`;
  return {
    offset: bad,
    rule: 'invalid-attr-path',
    message: `'${word}' is not a valid Nix attribute path: it ${what}`,
    hint: 'attribute names are letters, digits, _, \' and -, joined by dots; nixpkgs prefixes names that start with a digit with _',
  };
}

function firstBadAttrChar(word: string): number {
  for (let i = 1; i <= word.length; i++) {
    if (!ATTR_PATH.test(word.slice(0, i)) && !ATTR_PATH.test(word.slice(0, i) + 'x')) return i - 1;
  }
  return Math.max(0, word.length - 1);
}

/** What Nix's parser refuses in a word whose brackets balance: `(echo hi; exit 0)` is no expression. Syntax only: names are the packages' business. */
function parseProblem(word: string): WordProblem | undefined {
  try {
    parseNix(word);
    return undefined;
  } catch (e) {
    // Nesting deeper than the stack (thousands of brackets): no verdict, as before the parser was asked.
    if (e instanceof RangeError) return undefined;
    if (!(e instanceof NixParseError)) throw e;
    return { offset: Math.min(e.offset, Math.max(0, word.length - 1)), rule: 'nix-syntax', message: `Nix cannot parse it: ${e.message}`, hint: 'fix the expression (nix-shell puts each -p word inside ( … )); check it with: nix-instantiate --parse -E \'(WORD)\'' };
  }
}

function balanceProblem(tokens: readonly Token[]): WordProblem | undefined {
  const stack: Token[] = [];
  // Open `let`s, by the bracket depth they were opened at: `=` binds inside `{ }` or between `let` and `in`.
  const lets: number[] = [];
  for (const t of tokens) {
    if (t.kind === 'id' && t.text === 'let') lets.push(stack.length);
    if (t.kind === 'id' && t.text === 'in' && lets.at(-1) === stack.length) lets.pop();
    if (t.kind !== 'op') continue;
    if (t.text === '=' && stack.at(-1)?.text !== '{' && lets.at(-1) !== stack.length) {
      return { offset: t.start, rule: 'nix-syntax', message: "'=' outside an attribute set or let: Nix cannot parse this", hint: 'write a package expression; for a nixpkgs pin use -I nixpkgs=…, not a package word' };
    }
    if (Object.hasOwn(OPENERS, t.text)) stack.push(t);
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      const open = stack.pop();
      if (!open || OPENERS[open.text] !== t.text) {
        const message = open ? `'${t.text}' does not close '${open.text}'` : `unbalanced '${t.text}': nothing to close`;
        return { offset: t.start, rule: 'nix-syntax', message, hint: 'quote the whole expression so it stays one word' };
      }
    }
  }
  const open = stack.pop();
  if (!open) return undefined;
  const message = `'${open.text}' is never closed in this word`;
  return { offset: open.start, rule: 'nix-syntax', message, hint: 'quote the whole expression so it stays one word: -p "python3.withPackages (ps: [ ps.requests ])"' };
}
