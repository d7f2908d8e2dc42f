/**
 * A JSON Schema validator for the subset src/schema/nixpod.schema.json uses
 * (draft-07): $ref to a JSON pointer in the same document, type, enum,
 * pattern, minimum, maximum, maxLength, properties, additionalProperties,
 * required, items, anyOf, propertyNames. Any other keyword is an error, so the
 * schema cannot drift into keywords this validator would silently ignore.
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'definitions']);
const KEYWORDS = new Set(['$ref', 'type', 'enum', 'pattern', 'minimum', 'maximum', 'maxLength', 'properties', 'additionalProperties', 'required', 'items', 'anyOf', 'propertyNames']);

export function validateJson(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(root, root, value, '', errors);
  return errors;
}

function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let cur: unknown = root;
  for (const seg of ref.slice(2).split('/')) cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (typeof cur !== 'object' || cur === null) throw new Error(`$ref ${ref} points at nothing`);
  return cur as Schema;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function check(root: Schema, s: Schema, v: unknown, at: string, errors: string[]): void {
  for (const k of Object.keys(s)) if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`unsupported keyword ${k} at ${at || '/'}`);
  if (typeof s.$ref === 'string') check(root, resolveRef(root, s.$ref), v, at, errors);
  const t = typeOf(v);
  if (typeof s.type === 'string' && !(s.type === t || (s.type === 'number' && t === 'integer'))) return void errors.push(`${at || '/'}: expected ${s.type}, got ${t}`);
  if (Array.isArray(s.enum) && !s.enum.includes(v)) errors.push(`${at || '/'}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
  if (typeof v === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${at}: '${v}' does not match ${s.pattern}`);
    if (typeof s.maxLength === 'number' && [...v].length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) errors.push(`${at}: ${v} < ${s.minimum}`);
    if (typeof s.maximum === 'number' && v > s.maximum) errors.push(`${at}: ${v} > ${s.maximum}`);
  }
  if (Array.isArray(s.anyOf)) {
    const ok = s.anyOf.some((sub) => {
      const e: string[] = [];
      check(root, sub as Schema, v, at, e);
      return e.length === 0;
    });
    if (!ok) errors.push(`${at || '/'}: matches none of the anyOf schemas`);
  }
  if (t === 'array' && s.items) (v as unknown[]).forEach((x, i) => check(root, s.items as Schema, x, `${at}/${i}`, errors));
  if (t === 'object') checkObject(root, s, v as Record<string, unknown>, at, errors);
}

function checkObject(root: Schema, s: Schema, v: Record<string, unknown>, at: string, errors: string[]): void {
  const props = (s.properties ?? {}) as Record<string, Schema>;
  for (const r of (s.required as string[] | undefined) ?? []) if (!(r in v)) errors.push(`${at || '/'}: missing ${r}`);
  for (const [k, x] of Object.entries(v)) {
    if (s.propertyNames) check(root, s.propertyNames as Schema, k, `${at}/${k} (name)`, errors);
    if (Object.hasOwn(props, k)) check(root, props[k] as Schema, x, `${at}/${k}`, errors);
    else if (s.additionalProperties === false) errors.push(`${at || '/'}: unknown key ${k}`);
    else if (typeof s.additionalProperties === 'object') check(root, s.additionalProperties as Schema, x, `${at}/${k}`, errors);
  }
}
