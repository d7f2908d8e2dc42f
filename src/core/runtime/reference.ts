/**
 * Image references as registries read them: the grammar of
 * distribution/reference (reference.go; the OCI distribution spec agrees):
 *
 *   name           := [domain '/'] path-component ['/' path-component]*
 *   domain         := domain-component ['.' domain-component]* [':' port-number]
 *   path-component := alpha-numeric [separator alpha-numeric]*
 *   alpha-numeric  := /[a-z0-9]+/
 *   separator      := /[_.]|__|[-]*\/
 *   tag            := /[\w][\w.-]{0,127}/
 *
 * and a whole name of at most 255 characters (NameTotalLengthMax). Each check
 * returns a reason, or undefined when valid.
 */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
export const NAME_MAX = 255;

export const isPathComponent = (s: string): boolean => PATH_COMPONENT.test(s);
export const isTag = (s: string): boolean => TAG.test(s);

/** `HOST[:PORT][/PREFIX...]`: a registry host, with path components the image path continues. */
export function nixeryHost(v: string): string | undefined {
  const [domain = '', ...path] = v.split('/');
  if (!DOMAIN.test(domain)) return "must start with a registry host such as nixery.dev or nixery.internal:5000 (no scheme, no tag)";
  // As distribution/reference reads a name: a first part without '.', ':' or `localhost` is a Docker Hub path, not a host.
  if (!/[.:]/.test(domain) && domain !== 'localhost') return `has no registry host: '${domain}' has no '.', ':port' or localhost, so the image would be looked up on Docker Hub (write nixery.dev, ${domain}.svc.cluster.local or ${domain}:5000)`;
  const bad = path.find((p) => !isPathComponent(p));
  if (bad !== undefined) return `has the path component '${bad}', which an image name cannot have (lowercase letters, digits, and . _ __ - between them)`;
  return v.length > NAME_MAX - 2 ? `is longer than an image name may be (${NAME_MAX})` : undefined;
}

/** `HOST[:PORT]/PATH` or a Docker Hub `PATH`: a repository without tag or digest. */
export function imageRepository(v: string): string | undefined {
  if (v.includes('@')) return 'must not have a digest: nixpod adds the tag (the script\'s content hash)';
  const parts = v.split('/');
  const first = parts[0] ?? '';
  // As distribution/reference: the first part is a domain when it has '.' or ':' or is localhost.
  const hasDomain = parts.length > 1 && (/[.:]/.test(first) || first === 'localhost');
  if (hasDomain && !DOMAIN.test(first)) return `has the registry host '${first}', which is not a host[:port]`;
  const path = hasDomain ? parts.slice(1) : parts;
  const last = path[path.length - 1] ?? '';
  if (last.includes(':')) return 'must not have a tag: nixpod adds the tag (the script\'s content hash)';
  const bad = path.find((p) => !isPathComponent(p));
  if (bad !== undefined) return `has the path component '${bad}', which an image name cannot have (lowercase letters, digits, and . _ __ - between them)`;
  return v.length > NAME_MAX ? `is longer than an image name may be (${NAME_MAX})` : undefined;
}
