import type { Formal } from './ast.js';
import { NixParseError } from './scanner.js';
import type { Parser } from './parser.js';

/**
 * Whether the `{` at the parser's token opens a lambda's formal set rather
 * than an attribute set (Nix's GLR parser tries both): `{ }` followed by `:`
 * or `@`, `{ ...`, `{ a,`, `{ a ?`, or `{ a }` followed by `:` or `@`.
 */
export function startsFormalSet(p: Parser): boolean {
  const t1 = p.peek();
  if (t1.t === '...') return true;
  if (t1.t === '}') return [':', '@'].includes(p.peek(t1).t);
  if (t1.t !== 'ID') return false;
  const t2 = p.peek(t1);
  if (t2.t === ',' || t2.t === '?') return true;
  return t2.t === '}' && [':', '@'].includes(p.peek(t2).t);
}

/** `{ a, b ? e, ... }`: names once each, `...` last (parser.y's formal_set; validateFormals). */
export function parseFormals(p: Parser): Formal[] {
  p.expect('{');
  const formals: Formal[] = [];
  while (p.tok.t !== '}') {
    if (p.tok.t === '...') {
      p.next();
      if (!p.is('}')) p.unexpected("expecting '}'");
      break;
    }
    const id = p.expect('ID');
    let def;
    if (p.is('?')) {
      p.next();
      def = p.expr();
    }
    if (formals.some((f) => f.name === id.text)) throw new NixParseError(id.start, `duplicate formal function argument '${id.text}'`);
    formals.push({ name: id.text, at: id.start, default: def });
    if (p.is(',')) p.next();
    else if (!p.is('}')) p.unexpected("expecting ',' or '}'");
  }
  p.next();
  return formals;
}
