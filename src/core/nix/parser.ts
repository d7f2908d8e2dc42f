import { other, type AttrName, type Binds, type NixNode } from './ast.js';
import { parseAttrPath, parseBinds } from './binds.js';
import { parseFormals, startsFormalSet } from './formals.js';
import { parsePath, parseString } from './literals.js';
import { describeToken, lexToken, NixParseError, type Tok } from './scanner.js';

/** Binary operators by precedence (src/libexpr/parser.y, lowest first), and how they associate. */
const BINARY: Record<string, { prec: number; assoc: 'left' | 'right' | 'none' }> = {
  '->': { prec: 1, assoc: 'right' },
  '||': { prec: 2, assoc: 'left' },
  '&&': { prec: 3, assoc: 'left' },
  '==': { prec: 4, assoc: 'none' },
  '!=': { prec: 4, assoc: 'none' },
  '<': { prec: 5, assoc: 'none' },
  '>': { prec: 5, assoc: 'none' },
  '<=': { prec: 5, assoc: 'none' },
  '>=': { prec: 5, assoc: 'none' },
  '//': { prec: 6, assoc: 'right' },
  '+': { prec: 8, assoc: 'left' },
  '-': { prec: 8, assoc: 'left' },
  '*': { prec: 9, assoc: 'left' },
  '/': { prec: 9, assoc: 'left' },
  '++': { prec: 10, assoc: 'right' },
  '?': { prec: 11, assoc: 'left' },
};
const NOT = 7;
const NEGATE = 12;
const SIMPLE_START = new Set(['ID', 'INT', 'FLOAT', '"', "''", 'PATH', 'HPATH', 'PATH_SEG', 'HPATH_START', 'SPATH', 'URI', '(', 'rec', '{', '[']);

/** Parse one Nix expression as `nix-instantiate --parse` does (Nix 2.26); throws NixParseError. */
export function parseNix(text: string): NixNode {
  const p = new Parser(text);
  const e = p.expr();
  if (p.tok.t !== 'EOF') p.unexpected('expecting end of file');
  return e;
}

export class Parser {
  tok: Tok;

  constructor(readonly src: string) {
    this.tok = lexToken(src, 0);
  }

  /** Whether the current token is `t` (a method, so TypeScript does not narrow `tok` across next()). */
  is(t: string): boolean {
    return this.tok.t === t;
  }

  next(): Tok {
    const t = this.tok;
    this.tok = lexToken(this.src, t.end);
    return t;
  }

  peek(after: Tok = this.tok): Tok {
    return lexToken(this.src, after.end);
  }

  unexpected(expecting?: string): never {
    throw new NixParseError(this.tok.start, `syntax error: unexpected ${describeToken(this.tok)}${expecting ? `, ${expecting}` : ''}`);
  }

  expect(t: string): Tok {
    if (this.tok.t !== t) this.unexpected(`expecting '${t}'`);
    return this.next();
  }

  expr(): NixNode {
    const t = this.tok;
    if (t.t === 'ID' && this.peek().t === ':') {
      this.next();
      this.next();
      return { k: 'lambda', arg: t.text, formals: undefined, body: this.expr() };
    }
    if (t.t === 'ID' && this.peek().t === '@') {
      this.next();
      this.next();
      return this.lambdaWithFormals(t.text);
    }
    if (t.t === '{' && startsFormalSet(this)) return this.lambdaWithFormals(undefined);
    if (t.t === 'assert' || t.t === 'with') {
      this.next();
      const e = this.expr();
      this.expect(';');
      const body = this.expr();
      return t.t === 'with' ? { k: 'with', env: e, body } : other(e, body);
    }
    if (t.t === 'let' && this.peek().t !== '{') {
      this.next();
      const binds = this.binds('in');
      if (binds.dynamic.length > 0) throw new NixParseError(t.start, 'dynamic attributes not allowed in let');
      this.expect('in');
      return { k: 'let', binds, body: this.expr() };
    }
    return this.exprIf();
  }

  private lambdaWithFormals(argBefore: string | undefined): NixNode {
    const start = this.tok.start;
    const formals = parseFormals(this);
    let arg = argBefore;
    if (arg === undefined && this.tok.t === '@') {
      this.next();
      arg = this.expect('ID').text;
    }
    if (arg !== undefined && formals.some((f) => f.name === arg)) throw new NixParseError(start, `duplicate formal function argument '${arg}'`);
    this.expect(':');
    return { k: 'lambda', arg, formals, body: this.expr() };
  }

  private exprIf(): NixNode {
    if (this.tok.t === 'if') {
      this.next();
      const c = this.expr();
      this.expect('then');
      const a = this.expr();
      this.expect('else');
      return other(c, a, this.expr());
    }
    const e = this.exprOp(0);
    if (this.tok.t === '|>' || this.tok.t === '<|') throw new NixParseError(this.tok.start, "experimental Nix feature 'pipe-operators' is disabled");
    return e;
  }

  /** Precedence climbing over the operator table above; `!` and unary `-` take operands that bind tighter than themselves. */
  exprOp(minPrec: number): NixNode {
    let left: NixNode;
    if (this.tok.t === '!' || this.tok.t === '-') {
      const neg = this.next().t === '-';
      left = other(this.exprOp((neg ? NEGATE : NOT) + 1));
    } else left = this.exprApp();
    for (;;) {
      const op = BINARY[this.tok.t];
      if (!op || op.prec < minPrec) return left;
      this.next();
      const right = op.prec === 11 ? other(...this.attrPath().flatMap((a) => ('expr' in a ? [a.expr] : []))) : this.exprOp(op.assoc === 'right' ? op.prec : op.prec + 1);
      left = other(left, right);
      const again = BINARY[this.tok.t];
      if (op.assoc === 'none' && again?.prec === op.prec) this.unexpected();
    }
  }

  private exprApp(): NixNode {
    let f = this.exprSelect();
    while (SIMPLE_START.has(this.tok.t) || (this.tok.t === 'let' && this.peek().t === '{')) f = other(f, this.exprSelect());
    return f;
  }

  exprSelect(): NixNode {
    const start = this.tok.start;
    const e = this.exprSimple();
    if (this.tok.t === '.') {
      this.next();
      const kids = [e, ...this.attrPath().flatMap((a) => ('expr' in a ? [a.expr] : []))];
      if (this.is('or')) {
        this.next();
        kids.push(this.exprSelect());
      }
      return other(...kids);
    }
    // `f or`: Nixpkgs once had a function named `or` (parser.y keeps this for it).
    if (this.is('or')) {
      this.next();
      return other(e, { k: 'var', name: 'or', at: start });
    }
    return e;
  }

  private exprSimple(): NixNode {
    const t = this.tok;
    switch (t.t) {
      case 'ID':
        this.next();
        return t.text === '__curPos' ? other() : { k: 'var', name: t.text, at: t.start };
      case 'INT':
      case 'FLOAT':
      case 'URI':
      case 'SPATH':
        this.next();
        return other();
      case '"':
      case "''":
        return this.string();
      case 'PATH':
      case 'HPATH':
      case 'PATH_SEG':
      case 'HPATH_START':
        return this.path();
      case '(': {
        this.next();
        const e = this.expr();
        this.expect(')');
        return e;
      }
      case 'let':
        // `let { …; body = e; }`: the old let, `(rec { … }).body`; a select, so never merged as a set.
        this.next();
        return other(this.attrSet(true));
      case 'rec':
        this.next();
        return this.attrSet(true);
      case '{':
        return this.attrSet(false);
      case '[': {
        this.next();
        const items: NixNode[] = [];
        while (this.tok.t !== ']') {
          if (!SIMPLE_START.has(this.tok.t) && this.tok.t !== 'let') this.unexpected("expecting ']'");
          items.push(this.exprSelect());
        }
        this.next();
        return other(...items);
      }
      default:
        return this.unexpected();
    }
  }

  private attrSet(rec: boolean): NixNode {
    this.expect('{');
    const binds = this.binds('}');
    this.next();
    return { k: 'attrs', rec, binds };
  }

  string(): NixNode {
    return parseString(this);
  }

  private path(): NixNode {
    return parsePath(this);
  }

  attrPath(): AttrName[] {
    return parseAttrPath(this);
  }

  private binds(end: string): Binds {
    return parseBinds(this, end);
  }
}
