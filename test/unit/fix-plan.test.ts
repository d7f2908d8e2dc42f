import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript } from '../../src/core/check/script.js';
import { FIXABLE_RULES, planFixes, type FixPlan } from '../../src/core/fix/plan.js';
import { doubleQuoted, wordSpans } from '../../src/core/fix/spans.js';
import { splitShellWords } from '../../src/core/shebang/shellwords.js';

const fixed = (p: FixPlan): { text: string; fixes: { line: number; col: number; rule: string; message: string }[] } => {
  if (p.refused !== undefined) throw new Error(`refused: ${p.refused}`);
  return p;
};
const rules = (text: string): string[] => checkScript({ path: 'a.sh', bytes: new TextEncoder().encode(text), explicit: true }).diagnostics.map((d) => d.rule);
const PIN = 'https://github.com/NixOS/nixpkgs/archive/0123456789abcdef0123456789abcdef01234567.tar.gz';

describe('check --fix: the plan', () => {
  it('rewrites single-quoted words in double quotes, escaping what double quotes would read', () => {
    const t = `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -I nixpkgs=${PIN}\n#! nix-shell -p 'python3.withPackages (ps: [ ps.requests ])' a'b c'd 'x"y\\z' ''\necho hi\n`;
    const p = fixed(planFixes(t));
    assert.equal(p.text.split('\n')[2], `#! nix-shell -p "python3.withPackages (ps: [ ps.requests ])" a"b c"d "x\\"y\\\\z" ""`);
    assert.deepEqual(p.fixes.map((f) => [f.line, f.col, f.rule]), [[3, 17, 'single-quotes'], [3, 62, 'single-quotes'], [3, 70, 'single-quotes'], [3, 78, 'single-quotes']]);
    assert.equal(p.fixes[0]?.message, `'python3.withPackages (ps: [ ps.requests ])' -> "python3.withPackages (ps: [ ps.requests ])"`);
    assert.ok(!rules(p.text).includes('single-quotes'), rules(p.text).join());
    assert.deepEqual(fixed(planFixes(p.text)).fixes, [], 'a second run changes nothing');
  });

  it('removes repeated packages (the later ones), and a line left empty by that', () => {
    const t = `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p curl jq  "curl"\n#! nix-shell jq\n#! nix-shell -I nixpkgs=${PIN} curl\nbody\n`;
    const p = fixed(planFixes(t));
    assert.equal(p.text, `#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p curl jq\n#! nix-shell -I nixpkgs=${PIN}\nbody\n`);
    assert.deepEqual(p.fixes.map((f) => `${f.line}:${f.col} ${f.message}`), ['2:34 removed the repeated package "curl"', '3:14 removed the repeated package jq', '4:114 removed the repeated package curl']);
    assert.deepEqual(rules(p.text), []);
  });

  it('converts CRLF to LF, at the first CRLF', () => {
    const t = `#! /usr/bin/env nix-shell\r\n#! nix-shell -i bash -p jq -I nixpkgs=${PIN}\r\necho a\r\necho b\n`;
    const p = fixed(planFixes(t));
    assert.equal(p.text, t.replaceAll('\r\n', '\n'));
    assert.deepEqual(p.fixes, [{ line: 1, col: 26, rule: 'crlf', message: 'converted 3 CRLF line endings to LF' }]);
    assert.ok(rules(t).includes('crlf'));
    assert.deepEqual(rules(p.text), []);
  });

  it('pins nixpkgs first on the first #! nix-shell line, only where the check asks for it', () => {
    const t = '#! /usr/bin/env nix-shell\n#! nix-shell -i bash\n#! nix-shell -p jq\nbody\n';
    assert.deepEqual(fixed(planFixes(t)).fixes, [], 'no pin given: nothing to do');
    const p = fixed(planFixes(t, { nixpkgsPin: PIN }));
    assert.equal(p.text.split('\n')[1], `#! nix-shell -I nixpkgs=${PIN} -i bash`);
    assert.ok(rules(t).includes('unpinned-nixpkgs'));
    assert.deepEqual(rules(p.text), []);
    assert.equal(fixed(planFixes(p.text, { nixpkgsPin: PIN })).text, p.text);
    // A pin with characters the shebang splitter reads is escaped; a bare -I entry counts as a pin (as the check says).
    assert.equal(fixed(planFixes(t, { nixpkgsPin: "./my'pkgs" })).text.split('\n')[1], "#! nix-shell -I nixpkgs=./my\\'pkgs -i bash");
    assert.deepEqual(fixed(planFixes('#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq -I ./nix\n', { nixpkgsPin: PIN })).fixes, []);
    assert.deepEqual(fixed(planFixes('#! /usr/bin/env nix-shell\n#! nix-shell -i bash shell.nix\n', { nixpkgsPin: PIN })).fixes, [], 'an expression file is not pinned');
  });

  it('leaves alone what nix-shell cannot read as a script', () => {
    assert.match(String(planFixes(`#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p 'jq\n`).refused), /stops at line 2: unterminated single quote/);
    assert.match(String(planFixes('\uFEFF#! /usr/bin/env nix-shell\n#! nix-shell -i bash -p jq\n').refused), /byte-order mark/);
    // A CR-only first line is a non-empty line to Nix: the file is not a shebang script, and LF would make it one.
    assert.match(String(planFixes('\r\n#! /usr/bin/env nix-shell\r\n#! nix-shell -i bash -p jq\r\n').refused), /does not read it as a script/);
    assert.match(String(planFixes('echo hi\n').refused), /does not read it as a script/);
  });

  it('wordSpans finds the words splitShellWords finds', () => {
    const args = `-p 'a b'"c" d\\ e  "f\\"g" h'' ''`;
    const words = splitShellWords({ line: 2, args, argsCol: 14 }).words;
    const spans = wordSpans(args);
    assert.deepEqual(spans.map((s) => s.start + 14), words.map((w) => w.col));
    assert.deepEqual(spans.map((s) => args.slice(s.start, s.end)), ['-p', `'a b'"c"`, 'd\\ e', '"f\\"g"', "h''", "''"]);
    const requoted = spans.map((s) => doubleQuoted(args, s)).join(' ');
    assert.deepEqual(splitShellWords({ line: 2, args: requoted, argsCol: 1 }).words.map((w) => w.value), words.map((w) => w.value));
    assert.deepEqual([...FIXABLE_RULES].sort(), ['crlf', 'duplicate-package', 'single-quotes', 'unpinned-nixpkgs']);
  });
});
