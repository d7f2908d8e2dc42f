import { NixParseError } from './scanner.js';

/**
 * The parts of a Nix expression that scoping needs (src/libexpr/nixexpr.hh):
 * variables, the constructs that bind names, and everything else as a node
 * with children. `str` is a string with no interpolation: it can name an
 * attribute statically.
 */
export type NixNode =
  | { k: 'var'; name: string; at: number }
  | { k: 'str'; text: string }
  | { k: 'attrs'; rec: boolean; binds: Binds }
  | { k: 'let'; binds: Binds; body: NixNode }
  | { k: 'lambda'; arg: string | undefined; formals: Formal[] | undefined; body: NixNode }
  | { k: 'with'; env: NixNode; body: NixNode }
  | { k: 'other'; kids: NixNode[] };

export interface Formal {
  name: string;
  at: number;
  default: NixNode | undefined;
}

/** How an attribute got its value: `a = e;`, `inherit a;` (a variable of the enclosing scope), or `inherit (e) a;`. */
export interface AttrDef {
  kind: 'plain' | 'inherited' | 'from';
  value: NixNode;
  at: number;
}

export interface Binds {
  defs: Map<string, AttrDef>;
  dynamic: { name: NixNode; value: NixNode }[];
  /** The `e` of each `inherit (e) …;`. */
  from: NixNode[];
}

/** One element of an attribute path: a static name, or an expression (`${e}`, `"a${e}"`). */
export type AttrName = { name: string; at: number } | { expr: NixNode; at: number };

export const emptyBinds = (): Binds => ({ defs: new Map(), dynamic: [], from: [] });
export const other = (...kids: NixNode[]): NixNode => ({ k: 'other', kids });

const show = (path: readonly AttrName[]): string => path.map((a) => ('name' in a ? a.name : '"${...}"')).join('.');

function dup(what: string, at: number): never {
  throw new NixParseError(at, `attribute '${what}' is defined twice`);
}

/**
 * `a.b.c = e;` into a set, as ParserState::addAttr does: intermediate names
 * make (or reuse) nested sets; two sets under one name are merged; anything
 * else defined twice is an error.
 */
export function addAttr(binds: Binds, path: readonly AttrName[], value: NixNode): void {
  let cur = binds;
  for (const a of path.slice(0, -1)) {
    const nested: NixNode = { k: 'attrs', rec: false, binds: emptyBinds() };
    if (!('name' in a)) {
      cur.dynamic.push({ name: a.expr, value: nested });
      cur = (nested as { binds: Binds }).binds;
      continue;
    }
    const old = cur.defs.get(a.name);
    if (old === undefined) {
      cur.defs.set(a.name, { kind: 'plain', value: nested, at: a.at });
      cur = (nested as { binds: Binds }).binds;
    } else if (old.kind !== 'inherited' && old.value.k === 'attrs') cur = old.value.binds;
    else dup(show(path), a.at);
  }
  const last = path[path.length - 1] as AttrName;
  if (!('name' in last)) {
    cur.dynamic.push({ name: last.expr, value });
    return;
  }
  const old = cur.defs.get(last.name);
  if (old === undefined) cur.defs.set(last.name, { kind: 'plain', value, at: last.at });
  else if (old.value.k === 'attrs' && value.k === 'attrs') mergeInto(old.value.binds, value.binds, show(path));
  else dup(show(path), last.at);
}

/**
 * The attributes of a second set go into the first, which keeps its own `rec`
 * or not; a name both define as sets is merged the same way, level by level
 * (Nix 2.26: `{ a = { b = { c = 1; }; }; a = { b = { d = 2; }; }; }` parses),
 * anything else defined twice is an error naming its whole path.
 */
function mergeInto(into: Binds, from: Binds, path: string): void {
  for (const [name, def] of from.defs) {
    const old = into.defs.get(name);
    if (old === undefined) into.defs.set(name, def);
    else if (old.kind === 'plain' && def.kind === 'plain' && old.value.k === 'attrs' && def.value.k === 'attrs') mergeInto(old.value.binds, def.value.binds, `${path}.${name}`);
    else dup(`${path}.${name}`, def.at);
  }
  into.dynamic.push(...from.dynamic);
  into.from.push(...from.from);
}

/** `inherit a "b";` or `inherit (e) a;`: each name once per set. */
export function addInherited(binds: Binds, names: readonly { name: string; at: number }[], from: NixNode | undefined): void {
  if (from) binds.from.push(from);
  for (const { name, at } of names) {
    if (binds.defs.has(name)) dup(name, at);
    const value: NixNode = from ? other() : { k: 'var', name, at };
    binds.defs.set(name, { kind: from ? 'from' : 'inherited', value, at });
  }
}
