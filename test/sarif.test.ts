import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DOCS_URL, githubAnchor, RULES } from '../src/cli/sarif-rules.js';
import { EXIT } from '../src/cli/exit-codes.js';
import { ROOT, runCli, script, tempTree } from './helpers/cli.js';
import { validateJson } from './helpers/json-schema.js';

/**
 * The published SARIF 2.1.0 schema, as OASIS keeps it: oasis-tcs/sarif-spec,
 * Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json at commit
 * 3682e9ee648f2f3e11ba1fcd47fc390a0b8f9dab (112,318 characters, draft-07).
 */
const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;

type Result = { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number } } }[]; partialFingerprints: Record<string, string> };
type Log = { version: string; runs: { tool: { driver: { name: string; rules: { id: string; helpUri: string; defaultConfiguration: { level: string }; shortDescription: { text: string } }[] } }; originalUriBaseIds: Record<string, { uri: string }>; results: Result[] }[] };

async function sarif(args: string[], cwd: string): Promise<{ code: number; log: Log; text: string }> {
  const r = await runCli(['check', '--format', 'sarif', ...args], cwd);
  assert.equal(r.stderr, '');
  return { code: r.code, log: JSON.parse(r.stdout) as Log, text: r.stdout };
}

const byRule = (log: Log, rule: string): Result[] => (log.runs[0]?.results ?? []).filter((r) => r.ruleId === rule);
const fingerprint = (r: Result | undefined): string => Object.values(r?.partialFingerprints ?? {})[0] ?? '';

/** A repository with an error, warnings, a nixpod.yaml finding, a file name that needs escaping, and a script in a subfolder. */
function repo(): string {
  return tempTree({
    '.git/HEAD': 'ref: refs/heads/main\n',
    'scripts/bad.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p "jq # comment"\necho\n',
    'scripts/dup tools.sh': script('#! nix-shell -i bash -p jq jq'),
    'scripts/nixpod.yaml': 'defaults:\n  memmory: 1Gi\n',
    'scripts/sub/unpinned.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p curl\necho\n',
  });
}

describe('check --format sarif', () => {
  it('is valid SARIF 2.1.0 by the published schema', async () => {
    const { code, log } = await sarif(['scripts'], repo());
    assert.equal(code, EXIT.problems);
    assert.deepEqual(validateJson(SCHEMA, log), []);
    assert.equal(log.version, '2.1.0');
    assert.deepEqual(new Set(log.runs[0]?.results.map((r) => r.ruleId)), new Set(['nix-comment', 'duplicate-package', 'unknown-key', 'unpinned-nixpkgs']));
  });

  it('the schema and the validator catch what is wrong (so a pass means something)', async () => {
    const { log } = await sarif(['scripts'], repo());
    const broken = (f: (l: Log) => void): string[] => {
      const copy = structuredClone(log);
      f(copy);
      return validateJson(SCHEMA, copy);
    };
    const first = (l: Log): Result => l.runs[0]?.results[0] as Result;
    assert.notDeepEqual(broken((l) => (first(l).level = 'fatal')), []);
    assert.notDeepEqual(broken((l) => (first(l).locations[0]!.physicalLocation.region.startLine = 0)), []);
    assert.notDeepEqual(broken((l) => delete (first(l) as Partial<Result>).message), []);
    assert.notDeepEqual(broken((l) => (first(l).locations[0]!.physicalLocation.artifactLocation.uri = 'scripts/dup tools.sh')), []);
    assert.notDeepEqual(broken((l) => (l.runs[0]!.tool.driver.rules[0]!.helpUri = 'README.md#checks')), []);
    assert.notDeepEqual(broken((l) => ((l as { version: string }).version = '2.0.0')), []);
    assert.notDeepEqual(broken((l) => ((l.runs[0]!.tool.driver.rules as unknown[]).push(l.runs[0]!.tool.driver.rules[0]))), []);
  });

  it('locates results from the repository root, with %SRCROOT%, escaped URIs, lines and columns', async () => {
    const dir = repo();
    const { log } = await sarif(['.'], join(dir, 'scripts'));
    const run = log.runs[0]!;
    assert.equal(run.originalUriBaseIds['%SRCROOT%']?.uri, `file://${dir}/`);
    const comment = byRule(log, 'nix-comment')[0]!;
    assert.deepEqual(comment.locations[0]?.physicalLocation, { artifactLocation: { uri: 'scripts/bad.sh', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 29 } });
    assert.equal(comment.level, 'error');
    assert.match(comment.message.text, /'#' starts a Nix comment.*\nhint: /s);
    assert.equal(byRule(log, 'duplicate-package')[0]?.locations[0]?.physicalLocation.artifactLocation.uri, 'scripts/dup%20tools.sh');
    assert.equal(byRule(log, 'unknown-key')[0]?.locations[0]?.physicalLocation.artifactLocation.uri, 'scripts/nixpod.yaml');
    assert.ok(byRule(log, 'unpinned-nixpkgs').some((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === 'scripts/sub/unpinned.sh'));
  });

  it('rules carry their help, README link and level, and results point at them', async () => {
    const { log } = await sarif(['scripts'], repo());
    const { rules } = log.runs[0]!.tool.driver;
    assert.deepEqual(rules.map((r) => r.id), [...rules.map((r) => r.id)].sort());
    for (const r of log.runs[0]!.results) assert.equal(rules[r.ruleIndex]?.id, r.ruleId);
    const comment = rules.find((r) => r.id === 'nix-comment');
    assert.equal(comment?.helpUri, `${DOCS_URL}#what-is-checked`);
    assert.equal(comment?.defaultConfiguration.level, 'error');
    assert.equal(rules.find((r) => r.id === 'unpinned-nixpkgs')?.defaultConfiguration.level, 'warning');
  });

  it('fingerprints survive lines added above and a rerun, and change with the line itself', async () => {
    const dir = repo();
    const before = await sarif(['scripts'], dir);
    assert.equal((await sarif(['scripts'], dir)).text, before.text);
    const bad = join(dir, 'scripts/bad.sh');
    const text = readFileSync(bad, 'utf8');
    writeFileSync(bad, text.replace('#! nix-shell', '# a comment added above\n\n#! nix-shell'));
    const moved = await sarif(['scripts'], dir);
    const [a, b] = [byRule(before.log, 'nix-comment')[0], byRule(moved.log, 'nix-comment')[0]];
    assert.equal(b?.locations[0]?.physicalLocation.region.startLine, 4);
    assert.equal(fingerprint(b), fingerprint(a));
    writeFileSync(bad, text.replace('jq # comment', 'jq # other'));
    assert.notEqual(fingerprint(byRule((await sarif(['scripts'], dir)).log, 'nix-comment')[0]), fingerprint(a));
  });

  it('the same finding twice on equal lines gets two fingerprints', async () => {
    const dir = tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq jq\n#! nix-shell -p jq jq') });
    const dups = byRule((await sarif(['a.sh'], dir)).log, 'duplicate-package');
    assert.ok(dups.length >= 2, JSON.stringify(dups));
    assert.equal(new Set(dups.map(fingerprint)).size, dups.length);
  });

  it('a clean run is an empty result list and exit 0; warnings alone exit 0', async () => {
    const clean = await sarif(['a.sh'], tempTree({ 'a.sh': script('#! nix-shell -i bash -p jq') }));
    assert.equal(clean.code, EXIT.ok);
    assert.deepEqual(clean.log.runs[0]?.results, []);
    assert.deepEqual(validateJson(SCHEMA, clean.log), []);
    const warn = await sarif(['a.sh'], tempTree({ 'a.sh': '#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\necho\n' }));
    assert.equal(warn.code, EXIT.ok);
  });
});

describe('the SARIF rule catalogue', () => {
  const headings = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => githubAnchor(l.replace(/^#+ /, '')));
  it('every rule links to a README heading that exists', () => {
    for (const [id, info] of Object.entries(RULES)) assert.ok(headings.includes(githubAnchor(info.section)), `${id}: README has no heading '${info.section}'`);
  });
  it('every rule id the sources report is in the catalogue (a new rule needs its line in src/cli/sarif-rules.ts)', () => {
    const ids = new Set<string>();
    const walk = (d: string): void => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/(?:'(?:error|warning)', |rule: |issue\([^,]+, |str\(|stringMap\()'([a-z]+(?:-[a-z]+)+|crlf|bom)'/g)) ids.add(m[1] as string);
      }
    };
    walk(join(ROOT, 'src'));
    assert.ok(ids.size > 40, `found only ${ids.size} rule ids: the pattern no longer matches how rules are written`);
    assert.deepEqual([...ids].filter((id) => !Object.hasOwn(RULES, id)).sort(), []);
  });
  it('GitHub anchors: punctuation dropped, spaces to dashes', () => {
    assert.equal(githubAnchor('Packages that exist: `--nix` and `--package-index`'), 'packages-that-exist---nix-and---package-index');
    assert.equal(githubAnchor('`nixpod render [PATH...]`'), 'nixpod-render-path');
    assert.equal(githubAnchor('`#! nixpod` lines'), '-nixpod-lines');
  });
});

