import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseSimpleYaml } from '../../src/core/render/simple-yaml.js';
import { loadTemplates } from '../../src/io/templates.js';
import { compileTemplates } from '../../src/core/render/templates.js';
import { buildContext, scriptHasher } from '../../src/core/render/context.js';
import { ROOT, script } from '../helpers/cli.js';
import { pick, rng } from '../helpers/random.js';
import { checked, RICH, withSettings } from '../helpers/settings.js';

const SEED = Number(process.env.NIXPOD_SEED ?? 20261127);

/** What the full parser says, or 'error'. */
function full(text: string): unknown {
  try {
    return parse(text, { strict: true, uniqueKeys: true, prettyErrors: false });
  } catch {
    return 'error';
  }
}

// Pieces of lines: the shapes the simple parser reads and many it must refuse.
const ODD_KEYS = ['a', 'b', 'c', 'name', 'apiVersion', 'app.kubernetes.io/name', 'x_y', 'k', 'z', 'true', '1', 'a b', '"q"', '__proto__', '-a'];
const ODD_VALUES = [
  '', 'v1', 'ConfigMap', 'Never', 'true', 'False', 'NULL', 'null', '~', 'yes', 'on', '365', '0755', '0', '-1', '1.5', '.inf', '0x1f', '1e3',
  'a b', 'a  b', 'a #c', '# c', 'a: b', '/nixpod', 'x-y', 'x+y', 'é', '"s"', '"a\\u00e9"', '"\\u2028"', `"${'\u2028'}"`, '"\\t"', '{"a":1}', '{"a":1,"a":2}',
  '{ "a": 1 }', '["x","y"]', '[]', '{}', '[x]', "'s'", '&a x', '*a', '!!str 1', '|', '>', '- x', '-', '"\u0085"', '"\u007f"', '1 # c', '"x" # c',
];

const PLAIN_VALUES = ['v1', 'ConfigMap', 'Never', 'true', 'False', 'null', '365', '0', 'a b', '/nixpod', 'x-y', '"s"', '"a b\\n"', '{"a":"b"}', '["x","y"]', '[]', '{}', '""'];
const KEY_NAMES = ['a', 'b', 'c', 'name', 'apiVersion', 'app.kubernetes.io/name', 'x_y', 'k', 'z'];

/** A random block tree written as templates write YAML, then sometimes broken in one line. */
function randomDoc(r: () => number): string {
  const lines: string[] = [];
  const VALUES = r() < 0.5 ? PLAIN_VALUES : [...PLAIN_VALUES, ...ODD_VALUES];
  const KEYS = r() < 0.5 ? KEY_NAMES : [...KEY_NAMES, ...ODD_KEYS];
  const block = (indent: string, depth: number, seqOk: boolean): void => {
    const seq = seqOk && r() < 0.3;
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const nested = depth < 3 && r() < 0.3;
      if (seq) {
        if (nested && r() < 0.5) {
          // `- key: value` followed by the rest of that mapping two columns in.
          lines.push(`${indent}- ${pick(r, KEYS)}: ${pick(r, VALUES)}`);
          if (r() < 0.7) lines.push(`${indent}  ${pick(r, KEYS)}: ${pick(r, VALUES)}`);
        } else if (nested) {
          lines.push(`${indent}-`);
          block(`${indent}  `, depth + 1, true);
        } else lines.push(`${indent}- ${pick(r, VALUES)}`);
      } else {
        const key = pick(r, KEYS);
        if (nested) {
          lines.push(`${indent}${key}:`);
          // A sequence may stand at the key's own indentation.
          block(r() < 0.2 ? indent : `${indent}  `, depth + 1, true);
        } else lines.push(`${indent}${key}: ${pick(r, VALUES)}`);
      }
      if (r() < 0.05) lines.push(`${indent}# a comment`);
    }
  };
  block('', 0, false);
  if (r() < 0.3) {
    const i = Math.floor(r() * lines.length);
    lines[i] = pick(r, [' ', '   ', '\t', '---', '']) + lines[i] + pick(r, ['', ' ', ' # c', '\r', ':']);
  }
  return lines.join('\n') + (r() < 0.8 ? '\n' : '');
}

describe('the simple YAML reader', () => {
  it(`agrees with the yaml library wherever it answers: 20,000 random documents (seed ${SEED})`, (t) => {
    const r = rng(SEED);
    let answered = 0;
    for (let i = 0; i < 20000; i++) {
      const text = randomDoc(r);
      const simple = parseSimpleYaml(text);
      if (simple === undefined) continue;
      answered++;
      assert.deepEqual(simple, full(text), JSON.stringify(text));
    }
    // The test means something only if the reader answers often.
    assert.ok(answered > 3000, `answered ${answered}`);
    t.diagnostic(`the simple reader answered ${answered} of 20000`);
  });
  it('reads the built-in templates, every kind, with and without settings (so a run needs no full YAML parse)', async () => {
    const templates = compileTemplates(await loadTemplates(undefined, ROOT));
    const hashers = scriptHasher(templates.sources);
    const s = checked('x.sh', script('#! nix-shell -i bash -p jq'));
    for (const over of [undefined, RICH, { ...RICH, tolerations: [], resources: {}, env: [], args: [] }]) {
      for (const kind of ['pod', 'job', 'cronjob'] as const) {
        const { context } = buildContext(withSettings(s, over ?? {}), { namespace: 'ns', kind }, hashers);
        for (const name of ['configmap', kind] as const) {
          const text = templates.render(name, context);
          assert.notEqual(parseSimpleYaml(text), undefined, text);
          assert.deepEqual(parseSimpleYaml(text), full(text));
        }
      }
    }
  });
  it('refuses what it does not know', () => {
    for (const t of ['a: &x 1\nb: *x\n', 'a: |\n  x\n', "a: 'q'\n", 'a: 1\na: 2\n', 'a:\n    b: 1\n  c: 2\n', '- a\nb: 1\n', '--- \na: 1\n', 'a: { "b": 1 }\n']) {
      assert.equal(parseSimpleYaml(t), undefined, t);
    }
  });
});
