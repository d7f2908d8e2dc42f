import { checkSettings } from '../src/core/settings/checks.js';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadAndCheck } from '../src/cli/commands/load.js';
import { formatText } from '../src/cli/reporter.js';
import { compareDiagnostics, countBySeverity } from '../src/core/diagnostic.js';
import { checkRendering } from '../src/core/render/checks.js';
import type { RenderOptions } from '../src/core/render/context.js';
import { createRenderer } from '../src/core/render/manifests.js';
import { compileTemplates } from '../src/core/render/templates.js';
import type { ResolvedSettings, Settings } from '../src/core/settings/types.js';
import { loadTemplates } from '../src/io/templates.js';
import { ROOT, runCli } from './helpers/cli.js';
import { resolved } from './helpers/settings.js';

/**
 * Each folder in test/fixtures/golden has an input/ folder and expected/ outputs.
 * Regenerate with UPDATE_GOLDEN=1 npm test, and review the diff.
 *
 * A folder with a case.json runs what it lists instead of RUNS:
 * - `runs`: expected file -> CLI arguments (stderr is recorded too);
 * - `settings` (and `flags`): expected/render.yaml is the render of input/ with
 *   these settings set by hand on every script, as nixpod.yaml or `#! nixpod`
 *   lines would set them.
 */
const GOLDEN = join(ROOT, 'test/fixtures/golden');
const RUNS: Record<string, string[]> = {
  'render.yaml': ['render', 'input'],
  'render-namespaced.json': ['render', '-n', 'batch', '--format', 'json', 'input'],
  'check.txt': ['check', 'input'],
  'check.json': ['check', '--format', 'json', 'input'],
  'check.github': ['check', '--format', 'github', 'input'],
};

const SETTINGS_RULES = new Set(['pure-drops-env', 'pure-env-from', 'keep-unset', 'literal-credential', 'request-above-limit', 'missing-schedule']);

interface Case {
  runs?: Record<string, string[]>;
  settings?: Partial<Settings>;
  origins?: ResolvedSettings['origins'];
  flags?: Omit<RenderOptions, 'namespace'> & { namespace?: string };
}

function readCase(fixture: string): Case | undefined {
  const file = join(GOLDEN, fixture, 'case.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Case) : undefined;
}

/** What `nixpod render input` prints (exit code, stdout, then stderr) when every script has `c.settings`. */
async function renderWithSettings(dir: string, c: Case): Promise<string> {
  const [run, sources] = await Promise.all([loadAndCheck(['input'], dir), loadTemplates(undefined, dir)]);
  const scripts = run.scripts.map((s) => ({ ...s, settings: resolved(c.settings ?? {}, c.origins ?? {}) }));
  const flags: RenderOptions = { ...c.flags, namespace: c.flags?.namespace ?? null };
  // The checks of script against settings ran in loadAndCheck on no settings: run them again on these.
  const ownChecks = run.diagnostics.filter((d) => !SETTINGS_RULES.has(d.rule));
  const settingsChecks = scripts.flatMap((s) => checkSettings(s.path, s.model, { resolved: s.settings, envAt: {} }));
  const diagnostics = [...ownChecks, ...settingsChecks, ...checkRendering(scripts, flags)].sort(compareDiagnostics);
  const stderr = diagnostics.length > 0 ? `--- stderr\n${formatText(diagnostics)}` : '';
  if (countBySeverity(diagnostics).errors > 0) return `exit 1\n${stderr}`;
  const render = createRenderer(flags, compileTemplates(sources));
  return `exit 0\n${scripts.map((s) => render(s).yaml()).join('')}${stderr}`;
}

function compare(fixture: string, file: string, actual: string): void {
  const expectedFile = join(GOLDEN, fixture, 'expected', file);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(join(GOLDEN, fixture, 'expected'), { recursive: true });
    writeFileSync(expectedFile, actual);
  }
  assert.ok(existsSync(expectedFile), `${expectedFile} is missing: run UPDATE_GOLDEN=1 npm test`);
  assert.equal(actual, readFileSync(expectedFile, 'utf8'));
}

describe('golden outputs', () => {
  for (const fixture of readdirSync(GOLDEN)) {
    const c = readCase(fixture);
    for (const [file, argv] of Object.entries(c ? (c.runs ?? {}) : RUNS)) {
      it(`${fixture}: nixpod ${argv.join(' ')}`, async () => {
        const r = await runCli(argv, join(GOLDEN, fixture));
        compare(fixture, file, `exit ${r.code}\n${r.stdout}${c && r.stderr ? `--- stderr\n${r.stderr}` : ''}`);
      });
    }
    if (c?.settings) {
      it(`${fixture}: render with settings ${JSON.stringify(c.flags ?? {})}`, async () => {
        compare(fixture, 'render.yaml', await renderWithSettings(join(GOLDEN, fixture), c));
      });
    }
  }
});
