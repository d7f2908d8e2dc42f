import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { parseSettingsConfig, parseSettingsConfigWithYaml } from '../../src/core/settings/config-file.js';
import { parsePlainConfig } from '../../src/core/settings/config-read.js';
import { plainToJs, readPlainYaml } from '../../src/core/settings/plain-yaml.js';
import { nixpodYaml } from '../bench/scripts.js';
import { pick, rng } from '../helpers/random.js';

/** Keys: settings (valid or not for their value), unknown ones, near-misses, odd spellings the library reads in its own way. */
const KEYS = ['kind', 'labels', 'env', 'args', 'resources', 'schedule', 'backoffLimit', 'suspend', 'namePrefix', 'nixConfig', 'tolerations', 'image', 'serviceAccountName', 'lables', 'name', 'value', 'requests', 'memory', 'cpu', 'app.kubernetes.io/name', 'x_y', 'match', 'defaults', 'scripts', 'nixpkgs'];
const ODD_KEYS = ['true', 'null', '1', 'a b', '"quoted"', "'q'", '__proto__', '<<', '? x', 'kind '];
const SCALARS = ['job', 'pod', 'cronjob', '64Mi', '"64Mi"', "'0 * * * *'", '"*/5 * * * *"', '0 * * * *', '1', '0', '12', '99999999999999', 'true', 'False', 'TRUE', 'https://cache.example.org https://cache.nixos.org', 'a#b', 'NaN', 'yes', 'x ', 'prod-', 'job-00*.sh', '"**/*.sh"', "'*.py'", 'Allow', '"x: y"', "'a # b'", '_x', '/abs/path', 'a, b', 'a[1]', 'x}'];
const ODD_SCALARS = ['07', '1.5', '1e3', '0x1F', '0o17', '-1', 'null', '~', '', 'a: b', "'it''s'", '"a\\"b"', '[a, b]', '{team: a}', '|', '>-', '&x y', '*x', '!!str 1', '.inf', '@x', '%x', 'é', 'a\tb', '- x', '"open', '12345678901234567890'];
const COMMENTS = ['# a comment', '#', '  # indented', '      # deep', '   '];

function scalar(r: () => number): string {
  return r() < 0.03 ? pick(r, ODD_SCALARS) : pick(r, SCALARS);
}

function key(r: () => number): string {
  return r() < 0.02 ? pick(r, ODD_KEYS) : pick(r, KEYS);
}

/** A random block node at `indent`, as lines. */
function block(r: () => number, indent: number, depth: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  const n = 1 + Math.floor(r() * 3);
  const seq = r() < 0.3;
  for (let i = 0; i < n; i++) {
    if (r() < 0.1) out.push(pick(r, COMMENTS));
    if (r() < 0.05) out.push('');
    if (seq) {
      if (depth > 0 && r() < 0.5) {
        const inner = block(r, indent + 2, depth - 1);
        const first = inner[0] ?? '';
        if (!first.trimStart().startsWith('-') && !first.trimStart().startsWith('#') && first.trim() !== '') out.push(`${pad}- ${first.trimStart()}`, ...inner.slice(1));
        else out.push(`${pad}- ${scalar(r)}`);
      } else out.push(`${pad}-${r() < 0.9 ? ' ' : '  '}${scalar(r)}${r() < 0.1 ? ' # c' : ''}`);
    } else {
      const k = key(r);
      if (depth > 0 && r() < 0.45) {
        out.push(`${pad}${k}:${r() < 0.1 ? ' # c' : ''}`);
        const compact = r() < 0.2;
        const child = block(r, compact ? indent : indent + (r() < 0.9 ? 2 : 4), depth - 1);
        out.push(...child);
      } else out.push(`${pad}${k}:${r() < 0.95 ? ' ' : ''}${scalar(r)}${r() < 0.1 ? '  # c' : ''}`);
    }
  }
  return out;
}

function config(r: () => number): string {
  const lines: string[] = [];
  if (r() < 0.2) lines.push(pick(r, COMMENTS));
  if (r() < 0.8) lines.push('defaults:', ...block(r, 2, 2));
  if (r() < 0.8) {
    lines.push('scripts:');
    const n = 1 + Math.floor(r() * 3);
    const indent = r() < 0.8 ? 2 : 0;
    for (let i = 0; i < n; i++) {
      lines.push(`${' '.repeat(indent)}- match: ${pick(r, ['"*.sh"', "'**/*.py'", 'job-*.sh', '"[a-"', '"{a,b}.sh"', '1'])}`);
      lines.push(...block(r, indent + 2, 2));
    }
  }
  if (r() < 0.1) lines.push(`${key(r)}: ${scalar(r)}`);
  if (r() < 0.05) lines.unshift('---');
  return lines.join('\n') + (r() < 0.9 ? '\n' : '');
}

describe('plain nixpod.yaml reader', () => {
  it('gives what the YAML library gives, for every config it reads (random configs)', () => {
    const r = rng(Number(process.env.SEED ?? 12));
    let plain = 0;
    for (let i = 0; i < 3000; i++) {
      const text = config(r);
      const fast = parsePlainConfig(text, 'dir/nixpod.yaml');
      const tree = readPlainYaml(text);
      if (fast === undefined) continue;
      plain++;
      assert.deepStrictEqual(plainToJs(tree as NonNullable<typeof tree>), parseDocument(text).toJS(), text);
      assert.deepStrictEqual(fast, parseSettingsConfigWithYaml(text, 'dir/nixpod.yaml'), text);
    }
    // Not vacuous: most random configs are plain, and some are not.
    assert.ok(plain > 400 && plain < 2900, `${plain} of 3000 read without the library`);
  });

  it('reads the bench config and the README style without the library, with findings at the library positions', () => {
    for (const text of [nixpodYaml(20), 'defaults:\n  kind: jb\n  labels:\n    team: a\nscripts:\n- match: "*.sh"\n  schedule: "61 * * * *"\n  lables: {}\n']) {
      const fast = parsePlainConfig(text, 'nixpod.yaml');
      if (text.includes('{}')) assert.equal(fast, undefined, 'flow maps are the library\'s');
      else {
        assert.ok(fast);
        assert.deepStrictEqual(fast, parseSettingsConfigWithYaml(text, 'nixpod.yaml'));
      }
      assert.deepStrictEqual(parseSettingsConfig(text, 'nixpod.yaml'), parseSettingsConfigWithYaml(text, 'nixpod.yaml'));
    }
  });

  it('leaves what it does not read to the library', () => {
    for (const text of [`defaults:\n  ${'k'.repeat(1030)}: x\n`, 'a:\n', 'a: [1]\n', 'a: |\n  x\n', 'a: b\na: c\n', 'a:\n\tb: c\n', '  a: b\n', 'a: "x\\ty"\n', 'a: b\n  c\n', 'a: 1.5\n', 'a: ~\n', '- a\n', 'a: é\n', '']) {
      assert.equal(readPlainYaml(text), undefined, JSON.stringify(text));
    }
  });

  it('says what the library says of a key over 1,024 characters: an error (found by review)', () => {
    const text = `defaults:\n  nixConfig:\n    ${'k'.repeat(1030)}: x\n`;
    const c = parseSettingsConfig(text, 'nixpod.yaml');
    assert.deepStrictEqual(c, parseSettingsConfigWithYaml(text, 'nixpod.yaml'));
    assert.ok(c.diagnostics.some((d) => d.severity === 'error' && /at most 1024 chars/.test(d.message)), JSON.stringify(c.diagnostics));
  });

  it('an alias to no anchor is an error at the alias, not a crash (found by review)', () => {
    const c = parseSettingsConfig('defaults:\n  image: *x\n', 'nixpod.yaml');
    assert.deepEqual(c.diagnostics.map((d) => [d.line, d.col, d.severity, d.rule, d.message]), [[2, 10, 'error', 'config-syntax', 'YAML: the alias *x names no anchor set before it']]);
    assert.equal(parseSettingsConfig('defaults:\n  image: &x nixos/nix\n  runtime: *x\n', 'nixpod.yaml').diagnostics.some((d) => /names no anchor/.test(d.message)), false);
  });
});
