import { other, type NixNode } from './ast.js';
import type { Parser } from './parser.js';
import { lexToken, NixParseError, PATH_CONTINUATION, scanIndString, scanString } from './scanner.js';

/** A string from its opening quote; `literal` is its text when it has no interpolation. */
export function parseString(p: Parser): NixNode {
  const open = p.tok;
  const kids: NixNode[] = [];
  const interpolate = (at: number): number => {
    p.tok = lexToken(p.src, at);
    kids.push(p.expr());
    if (p.tok.t !== '}') p.unexpected("expecting '}'");
    return p.tok.end;
  };
  const r = open.t === '"' ? scanString(p.src, open.end, interpolate) : scanIndString(p.src, open.end, interpolate);
  p.tok = lexToken(p.src, r.end);
  const literal = 'literal' in r ? r.literal : null;
  return literal !== null ? { k: 'str', text: literal } : open.t === "''" && kids.length === 0 ? { k: 'str', text: '' } : other(...kids);
}

/** A path and what continues it: more path characters and `${…}` (lexer.l's INPATH and INPATH_SLASH). */
export function parsePath(parser: Parser): NixNode {
  const src = parser.src;
  const first = parser.tok;
  let p = first.end;
  let slash = first.text.endsWith('/');
  const kids: NixNode[] = [];
  for (;;) {
    if (src.startsWith('${', p)) {
      parser.tok = lexToken(src, p + 2);
      kids.push(parser.expr());
      if (parser.tok.t !== '}') parser.unexpected("expecting '}'");
      p = parser.tok.end;
      slash = false;
      continue;
    }
    PATH_CONTINUATION.lastIndex = p;
    const m = PATH_CONTINUATION.exec(src);
    if (!m || m[0] === '') break;
    p += m[0].length;
    slash = m[0].endsWith('/');
  }
  if (slash) throw new NixParseError(first.start, 'path has a trailing slash');
  parser.tok = lexToken(src, p);
  return other(...kids);
}
