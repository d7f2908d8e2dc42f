/**
 * A JSON Schema validator for the subset src/schema/nixpod.schema.json and the
 * SARIF 2.1.0 schema (test/fixtures/sarif) use (draft-07): $ref to a JSON
 * pointer in the same document, type (one or a list), enum, pattern, minimum,
 * maximum, maxLength, properties, additionalProperties, required, items,
 * minItems, uniqueItems, anyOf, oneOf, propertyNames, and format for uri,
 * uri-reference and date-time (asserted, as a strict validator may). Any other
 * keyword or format is an error, so a schema cannot drift into what this
 * validator would silently ignore.
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'definitions', 'default']);
const KEYWORDS = new Set(['$ref', 'type', 'enum', 'pattern', 'minimum', 'maximum', 'maxLength', 'properties', 'additionalProperties', 'required', 'items', 'minItems', 'uniqueItems', 'anyOf', 'oneOf', 'propertyNames', 'format']);

/** RFC 3986 shapes: an absolute URI has a scheme; a reference is any run of URI characters (and % escapes). */
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const FORMATS: Record<string, (v: string) => boolean> = {
  uri: (v) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(v) && URI_CHARS.test(v),
  'uri-reference': (v) => URI_CHARS.test(v),
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i.test(v) && !Number.isNaN(Date.parse(v)),
};

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
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : undefined;
  if (types && !types.some((x) => x === t || (x === 'number' && t === 'integer'))) return void errors.push(`${at || '/'}: expected ${types.join(' or ')}, got ${t}`);
  if (Array.isArray(s.enum) && !s.enum.includes(v)) errors.push(`${at || '/'}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
  if (typeof v === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${at}: '${v}' does not match ${s.pattern}`);
    if (typeof s.maxLength === 'number' && [...v].length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
    if (typeof s.format === 'string') {
      const ok = FORMATS[s.format];
      if (!ok) throw new Error(`unsupported format ${s.format} at ${at || '/'}`);
      if (!ok(v)) errors.push(`${at}: '${v}' is not a ${s.format}`);
    }
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
  if (Array.isArray(s.oneOf)) {
    const n = s.oneOf.filter((sub) => {
      const e: string[] = [];
      check(root, sub as Schema, v, at, e);
      return e.length === 0;
    }).length;
    if (n !== 1) errors.push(`${at || '/'}: matches ${n} of the oneOf schemas, not exactly one`);
  }
  if (t === 'array') checkArray(root, s, v as unknown[], at, errors);
  if (t === 'object') checkObject(root, s, v as Record<string, unknown>, at, errors);
}

function checkArray(root: Schema, s: Schema, v: unknown[], at: string, errors: string[]): void {
  if (typeof s.minItems === 'number' && v.length < s.minItems) errors.push(`${at || '/'}: fewer than ${s.minItems} items`);
  if (s.uniqueItems === true && new Set(v.map(canonical)).size !== v.length) errors.push(`${at || '/'}: items are not unique`);
  if (s.items) v.forEach((x, i) => check(root, s.items as Schema, x, `${at}/${i}`, errors));
}

/** JSON with sorted keys: two values are equal in JSON Schema's sense when these are. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
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
