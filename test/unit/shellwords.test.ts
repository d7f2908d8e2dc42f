import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShebang, summarizeShebang } from '../../src/core/shebang/parse.js';

const words = (line: string): string[] => parseShebang(`#!/usr/bin/env nix-shell\n#! nix-shell ${line}\n`).words.map((w) => w.value);
const err = (line: string): string | undefined => parseShebang(`#!/usr/bin/env nix-shell\n#! nix-shell ${line}\n`).error?.rule;

describe('shellwords (Nix >= 2.19)', () => {
  it('splits on runs of whitespace, tabs included', () => {
    assert.deepEqual(words('-i  bash\t-p\thello'), ['-i', 'bash', '-p', 'hello']);
  });
  it('joins quoted parts with adjacent text, like sh', () => {
    assert.deepEqual(words('-p python3Packages."requests"'), ['-p', 'python3Packages.requests']);
    assert.deepEqual(words(`-p 'python3.withPackages (ps: [ ps.requests ])'`), ['-p', 'python3.withPackages (ps: [ ps.requests ])']);
  });
  it('takes any character after a backslash literally, also inside double quotes', () => {
    assert.deepEqual(words('-p foo\\ bar "a\\"b" x\\\\y "a\\nb"'), ['-p', 'foo bar', 'a"b', 'x\\y', 'anb']);
  });
  it('keeps backslashes inside single quotes', () => {
    assert.deepEqual(words(`-p 'a\\b'`), ['-p', 'a\\b']);
  });
  it('pushes empty quoted words, and drops trailing whitespace', () => {
    assert.deepEqual(words(`-p hello ''`), ['-p', 'hello', '']);
    assert.deepEqual(words(`-p "" x`), ['-p', '', 'x']);
  });
  it('reports an unterminated quote at the quote', () => {
    const m = parseShebang('#!/usr/bin/env nix-shell\n#! nix-shell -i bash -p "hello jq\n');
    assert.equal(m.error?.rule, 'unterminated-quote');
    assert.deepEqual([m.error?.line, m.error?.col], [2, 25]);
  });
  it('reports a trailing backslash (real nix-shell hangs on it)', () => {
    assert.equal(err('-p hello\\'), 'trailing-backslash');
    assert.equal(err('-p hello\\ '), 'trailing-backslash', 'trailing blanks are chomped first');
    assert.equal(err(`-p 'hello\\`), 'unterminated-quote');
  });
  it('records the line and column of each word', () => {
    const m = parseShebang('#!/usr/bin/env nix-shell\n\n#!  nix-shell -p  "a b" c\n');
    assert.deepEqual(m.words.map((w) => [w.value, w.line, w.col]), [['-p', 3, 15], ['a b', 3, 19], ['c', 3, 25]]);
  });
});

describe('shebang lines', () => {
  const summary = (text: string) => summarizeShebang(parseShebang(text));
  it('needs #! on the first non-empty line', () => {
    assert.equal(parseShebang('\n\n#!/bin/sh\n#! nix-shell -p x\n').hasShebang, true);
    assert.equal(parseShebang(' #!/bin/sh\n#! nix-shell -p x\n').hasShebang, false);
    assert.equal(parseShebang('\uFEFF#!/bin/sh\n').hasShebang, false);
  });
  it('never reads the first line, and reads lines anywhere after it', () => {
    const s = summary('#! nix-shell -p ignored\necho\ncat <<EOF\n#! nix-shell -i bash -p jq\nEOF\n');
    assert.deepEqual(s.packages, ['jq']);
  });
  it('matches #!nix-shell and #!\\tnix-shell but not a leading blank, no argument, or a colon', () => {
    const s = summary('#!/x\n#!nix-shell -p a\n#!\tnix-shell\t-p b\n #! nix-shell -p c\n#! nix-shell\n#!nix-shell:-p d\n');
    assert.deepEqual(s.packages, ['a', 'b']);
  });
  it('chomps CRLF before matching', () => {
    assert.deepEqual(summary('#!/x\r\n#! nix-shell -i bash -p curl jq\r\n').packages, ['curl', 'jq']);
  });
  it('does not match a line with a CR in the middle (. excludes \\r)', () => {
    assert.deepEqual(summary('#!/x\n#! nix-shell -p a\rb\n').packages, []);
  });
});

describe('columns inside quoted and escaped words', () => {
  it('map each character of the value back to the file', async () => {
    const { colAt, splitShellWords } = await import('../../src/core/shebang/shellwords.js');
    const line = { line: 2, args: '-p "import ./x.nix" a\\ b plain', argsCol: 14 };
    const [, quoted, escaped, plain] = splitShellWords(line).words;
    assert.ok(quoted && escaped && plain);
    // `"import ./x.nix"` starts at col 17; the `.` of ./x.nix is its 9th character.
    assert.equal(quoted.col, 17);
    assert.equal(colAt(quoted, 'import '.length), 17 + 1 + 'import '.length);
    assert.equal(colAt(escaped, 1), 17 + '"import ./x.nix" '.length + 2);
    assert.equal(plain.cols, undefined);
    assert.equal(colAt(plain, 2), plain.col + 2);
  });
});
