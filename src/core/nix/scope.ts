import type { Binds, NixNode } from './ast.js';
import { FEATURE_GATED_GLOBALS, NIX_GLOBALS } from './globals.js';
import { parseNix } from './parser.js';
import { NixParseError } from './scanner.js';

/** Why a Nix expression fails before evaluation: a parse error, or names no scope defines. */
export interface NixExprProblem {
  /** 0-based offset in the expression. */
  offset: number;
  kind: 'syntax' | 'undefined-variable';
  message: string;
  /** The undefined name. */
  name?: string;
}

interface Scope {
  names: ReadonlySet<string>;
  /** A `with`: any name may come from it at run time. */
  isWith: boolean;
  up: Scope | undefined;
}

const BASE: Scope = { names: new Set([...NIX_GLOBALS, ...FEATURE_GATED_GLOBALS]), isWith: false, up: undefined };

/**
 * What `nix-instantiate --parse -E TEXT` (Nix 2.26) rejects: the first parse
 * error, else every name that is neither bound by an enclosing `let`, `rec`,
 * lambda or formal, nor a builtin in Nix's base environment, with no `with`
 * around it (ExprVar::bindVars). One problem per undefined name, at its first
 * use; Nix itself stops at the first it meets.
 */
export function checkNixExpression(text: string): NixExprProblem[] {
  let ast: NixNode;
  try {
    ast = parseNix(text);
  } catch (e) {
    if (e instanceof NixParseError) return [{ offset: Math.min(e.offset, text.length), kind: 'syntax', message: e.message }];
    // Nesting deeper than the stack (thousands of brackets): nothing can be said of it.
    if (e instanceof RangeError) return [];
    throw e;
  }
  const found = new Map<string, number>();
  try {
    bindVars(ast, BASE, found);
  } catch (e) {
    if (e instanceof RangeError) return [];
    throw e;
  }
  return [...found]
    .sort((a, b) => a[1] - b[1])
    .map(([name, offset]) => ({ offset, kind: 'undefined-variable', message: `undefined variable '${name}'`, name }));
}

function defined(name: string, scope: Scope): boolean {
  let withSeen = false;
  for (let s: Scope | undefined = scope; s; s = s.up) {
    if (s.isWith) withSeen = true;
    else if (s.names.has(name)) return true;
  }
  return withSeen;
}

function bindVars(n: NixNode, scope: Scope, out: Map<string, number>): void {
  const visit = (m: NixNode, s: Scope): void => bindVars(m, s, out);
  switch (n.k) {
    case 'var':
      if (!defined(n.name, scope) && !out.has(n.name)) out.set(n.name, n.at);
      return;
    case 'str':
      return;
    case 'other':
      for (const kid of n.kids) visit(kid, scope);
      return;
    case 'with':
      visit(n.env, scope);
      visit(n.body, { names: new Set(), isWith: true, up: scope });
      return;
    case 'lambda': {
      const names = new Set((n.formals ?? []).map((f) => f.name));
      if (n.arg !== undefined) names.add(n.arg);
      const inner: Scope = { names, isWith: false, up: scope };
      for (const f of n.formals ?? []) if (f.default) visit(f.default, inner);
      visit(n.body, inner);
      return;
    }
    case 'let': {
      const inner: Scope = { names: new Set(n.binds.defs.keys()), isWith: false, up: scope };
      bindBinds(n.binds, inner, scope, visit);
      visit(n.body, inner);
      return;
    }
    case 'attrs': {
      const inner: Scope = n.rec ? { names: new Set(n.binds.defs.keys()), isWith: false, up: scope } : scope;
      bindBinds(n.binds, inner, scope, visit);
      return;
    }
  }
}

/**
 * ExprAttrs::bindVars: values, `inherit (e)` sources and dynamic names in the
 * set's own scope (the rec/let scope, or the outer one); `inherit a;` always
 * looks `a` up outside, even in a rec set or let.
 */
function bindBinds(b: Binds, inner: Scope, outer: Scope, visit: (n: NixNode, s: Scope) => void): void {
  for (const e of b.from) visit(e, inner);
  for (const def of b.defs.values()) visit(def.value, def.kind === 'inherited' ? outer : inner);
  for (const d of b.dynamic) {
    visit(d.name, inner);
    visit(d.value, inner);
  }
}
