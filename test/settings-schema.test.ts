import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseSettingsConfig } from '../src/core/settings/config-file.js';
import { ENV_FROM_FIELDS, ENV_VAR_FIELDS } from '../src/core/settings/env.js';
import { NESTED_FIELDS, SETTING_KEYS } from '../src/core/settings/keys.js';
import { ROOT } from './helpers/cli.js';
import { validateJson } from './helpers/json-schema.js';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; definitions?: Record<string, Schema>; items?: Schema };
const schema = JSON.parse(readFileSync(join(ROOT, 'src/schema/nixpod.schema.json'), 'utf8')) as Schema;
const defs = schema.definitions as Record<string, Schema>;
const settingsProps = defs.settings?.properties as Record<string, Schema>;
const keys = (s: Schema | undefined) => Object.keys(s?.properties ?? {}).sort();
const sorted = (a: readonly string[]) => [...a].sort();
const EXAMPLES = join(ROOT, 'test/fixtures/settings/examples');
const examples = [join(ROOT, 'scripts/nixpod.yaml'), ...readdirSync(EXAMPLES).map((f) => join(EXAMPLES, f))];

describe('the JSON Schema of nixpod.yaml', () => {
  it('is shipped in the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    assert.ok(pkg.files.includes('src/schema'));
  });
  it('names exactly the keys nixpod accepts', () => {
    assert.deepEqual(keys(schema), ['defaults', 'scripts']);
    assert.deepEqual(keys(defs.settings), sorted(SETTING_KEYS));
    assert.deepEqual(keys((schema.properties?.scripts as Schema).items), sorted([...SETTING_KEYS, 'match']));
    assert.deepEqual(keys(defs.envVar), sorted(ENV_VAR_FIELDS));
    assert.deepEqual(keys(defs.envFromSource), sorted(ENV_FROM_FIELDS));
    for (const k of ['affinity', 'podSecurityContext', 'securityContext', 'resources'] as const) assert.deepEqual(keys(settingsProps[k]), sorted(NESTED_FIELDS[k]), k);
    assert.deepEqual(keys(settingsProps.tolerations?.items), sorted(NESTED_FIELDS.toleration));
  });
  for (const file of examples) {
    it(`${file.slice(ROOT.length)}: valid for the schema and for nixpod`, () => {
      const text = readFileSync(file, 'utf8');
      assert.deepEqual(validateJson(schema, parse(text)), []);
      assert.deepEqual(parseSettingsConfig(text, 'nixpod.yaml').diagnostics, []);
    });
  }
  it('refuses what nixpod refuses: unknown keys, wrong types, bad names, a rule without match', () => {
    const bad = (yaml: string, why: RegExp) => {
      const doc = parse(yaml);
      assert.match(validateJson(schema, doc).join('\n'), why, yaml);
      assert.ok(parseSettingsConfig(yaml, 'nixpod.yaml').diagnostics.some((d) => d.severity === 'error'), `nixpod refuses ${yaml}`);
    };
    bad('defaults:\n  namspace: x\n', /unknown key namspace/);
    bad('namespace: x\n', /unknown key namespace/);
    bad("defaults:\n  backoffLimit: '3'\n", /expected integer/);
    bad('defaults:\n  namespace: Prod\n', /does not match/);
    bad('defaults:\n  kind: cronjobs\n', /not one of/);
    bad('scripts:\n  - kind: job\n', /missing match/);
    bad('defaults:\n  resources: {limits: {memory: 1GB}}\n', /anyOf/);
    bad('defaults:\n  env: [{name: 1X, value: a}]\n', /env: matches none/);
    bad('defaults:\n  ttlSecondsAfterFinished: -1\n', /< 0/);
    bad('defaults:\n  securityContext: {runAsNonroot: true}\n', /unknown key runAsNonroot/);
  });
});
