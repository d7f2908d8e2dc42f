/**
 * The types kubectl reads a kubeconfig with (client-go's clientcmd/api/v1), so
 * that a wrong shape (`clusters: 5`, `server: [x]`) is reported with the file
 * and the field path, as `json: cannot unmarshal ...` is by kubectl, instead
 * of failing somewhere later. Unknown fields are ignored, as Go ignores them.
 */
type Shape = 'string' | 'bool' | 'strings' | 'any' | { list: Shape } | { [field: string]: Shape };

const named = (field: string, body: Shape): Shape => ({ list: { name: 'string', [field]: body } });

const CLUSTER: Shape = {
  server: 'string',
  'tls-server-name': 'string',
  'insecure-skip-tls-verify': 'bool',
  'certificate-authority': 'string',
  'certificate-authority-data': 'string',
  'proxy-url': 'string',
  'disable-compression': 'bool',
  extensions: { list: { name: 'string', extension: 'any' } },
};

const EXEC: Shape = {
  command: 'string',
  args: 'strings',
  env: { list: { name: 'string', value: 'string' } },
  apiVersion: 'string',
  installHint: 'string',
  provideClusterInfo: 'bool',
  interactiveMode: 'string',
};

const USER: Shape = {
  'client-certificate': 'string',
  'client-certificate-data': 'string',
  'client-key': 'string',
  'client-key-data': 'string',
  token: 'string',
  tokenFile: 'string',
  as: 'string',
  'as-uid': 'string',
  'as-groups': 'strings',
  'as-user-extra': 'any',
  username: 'string',
  password: 'string',
  'auth-provider': { name: 'string', config: 'any' },
  exec: EXEC,
};

const CONFIG: Shape = {
  'current-context': 'string',
  clusters: named('cluster', CLUSTER),
  users: named('user', USER),
  contexts: named('context', { cluster: 'string', user: 'string', namespace: 'string' }),
};

/** The first field whose value has the wrong type: `clusters[0].cluster.server: expected a string, got a number`; undefined when all fit. */
export function findShapeError(doc: unknown): string | undefined {
  return check(doc, CONFIG, '');
}

function check(value: unknown, shape: Shape, path: string): string | undefined {
  if (value === null || value === undefined || shape === 'any') return undefined;
  const at = path === '' ? 'the document' : path;
  if (shape === 'string') return typeof value === 'string' ? undefined : `${at}: expected a string, got ${describe(value)}`;
  if (shape === 'bool') return typeof value === 'boolean' ? undefined : `${at}: expected true or false, got ${describe(value)}`;
  if (shape === 'strings') return check(value, { list: 'string' }, path);
  if ('list' in shape && typeof shape.list !== 'undefined' && Object.keys(shape).length === 1) {
    if (!Array.isArray(value)) return `${at}: expected a list, got ${describe(value)}`;
    for (const [i, item] of value.entries()) {
      const e = check(item, shape.list as Shape, `${path}[${i}]`);
      if (e) return e;
    }
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return `${at}: expected a mapping, got ${describe(value)}`;
  for (const [k, s] of Object.entries(shape as Record<string, Shape>)) {
    const e = check((value as Record<string, unknown>)[k], s, path === '' ? k : `${path}.${k}`);
    if (e) return e;
  }
  return undefined;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v === 'string' ? 'the string' : `the ${typeof v}`} ${JSON.stringify(v)}`;
}
