import { addAttr, addInherited, emptyBinds, type AttrName, type Binds, type NixNode } from './ast.js';
import type { Parser } from './parser.js';
import { NixParseError } from './scanner.js';

/** Attribute names joined by dots: identifiers, `or`, "strings" and `${e}`. */
export function parseAttrPath(p: Parser): AttrName[] {
  const path = [parseAttrName(p)];
  while (p.tok.t === '.') {
    p.next();
    path.push(parseAttrName(p));
  }
  return path;
}

export function parseAttrName(p: Parser): AttrName {
  const t = p.tok;
  if (t.t === 'ID' || t.t === 'or') {
    p.next();
    return { name: t.text, at: t.start };
  }
  let e: NixNode;
  if (t.t === '"') e = p.string();
  else if (t.t === '${') {
    p.next();
    e = p.expr();
    p.expect('}');
  } else p.unexpected();
  return e.k === 'str' ? { name: e.text, at: t.start } : { expr: e, at: t.start };
}

/** Bindings up to (not past) `end`. */
export function parseBinds(p: Parser, end: string): Binds {
  const binds = emptyBinds();
  while (p.tok.t !== end) {
    if (p.tok.t === 'inherit') {
      p.next();
      let from: NixNode | undefined;
      if (p.is('(')) {
        p.next();
        from = p.expr();
        p.expect(')');
      }
      const names: { name: string; at: number }[] = [];
      while (!p.is(';')) {
        const a = parseAttrName(p);
        if (!('name' in a)) throw new NixParseError(a.at, 'dynamic attributes not allowed in inherit');
        names.push(a);
      }
      p.next();
      addInherited(binds, names, from);
      continue;
    }
    const path = parseAttrPath(p);
    p.expect('=');
    const value = p.expr();
    p.expect(';');
    addAttr(binds, path, value);
  }
  return binds;
}
