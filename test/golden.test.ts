import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli } from './helpers/cli.js';

/**
 * Each folder in test/fixtures/golden has an input/ folder and expected/ outputs.
 * Regenerate with UPDATE_GOLDEN=1 npm test, and review the diff.
 */
const GOLDEN = join(ROOT, 'test/fixtures/golden');
const RUNS: Record<string, string[]> = {
  'render.yaml': ['render', 'input'],
  'render-namespaced.json': ['render', '-n', 'batch', '--format', 'json', 'input'],
  'check.txt': ['check', 'input'],
  'check.json': ['check', '--format', 'json', 'input'],
  'check.github': ['check', '--format', 'github', 'input'],
};

describe('golden outputs', () => {
  for (const fixture of readdirSync(GOLDEN)) {
    for (const [file, argv] of Object.entries(RUNS)) {
      it(`${fixture}: nixpod ${argv.join(' ')}`, async () => {
        const r = await runCli(argv, join(GOLDEN, fixture));
        const actual = `exit ${r.code}\n${r.stdout}`;
        const expectedFile = join(GOLDEN, fixture, 'expected', file);
        if (process.env.UPDATE_GOLDEN === '1') {
          mkdirSync(join(GOLDEN, fixture, 'expected'), { recursive: true });
          writeFileSync(expectedFile, actual);
        }
        assert.ok(existsSync(expectedFile), `${expectedFile} is missing: run UPDATE_GOLDEN=1 npm test`);
        assert.equal(actual, readFileSync(expectedFile, 'utf8'));
      });
    }
  }
});
