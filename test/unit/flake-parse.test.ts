import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShebang, summarizeShebang } from '../../src/core/shebang/parse.js';
import { SCRIPT_WORD } from '../../src/core/flake/args.js';

const parse = (lines: string, args?: string[]) => parseShebang(`#!/usr/bin/env nix\n${lines}\necho\n`, args ? { scriptArgs: args } : {});
const words = (lines: string): string[] => parse(lines).words.map((w) => w.value);
const err = (lines: string): string | undefined => parse(lines).error?.rule;
const shown = (ws: readonly { value: string }[] | undefined) => ws?.map((w) => (w.value === SCRIPT_WORD ? '<SCRIPT>' : w.value));

describe('#! nix lines: the comment block after line 1 (Nix 2.26)', () => {
  it('reads lines while they start with a comment character; a blank or other line ends the block', () => {
    assert.deepEqual(words('# x\n// y\n-- z\n(* w *)\n#! nix shell nixpkgs#a\n#! nix --command bash'), ['shell', 'nixpkgs#a', '--command', 'bash']);
    assert.deepEqual(words('#! nix shell nixpkgs#a\n\n#! nix --command bash'), ['shell', 'nixpkgs#a']);
    assert.deepEqual(words('#! nix shell nixpkgs#a\n  #! nix --command bash'), ['shell', 'nixpkgs#a']);
    assert.deepEqual(words('echo\n#! nix shell nixpkgs#a'), []);
  });
  it('matches ^#!\\s*nix(:? |$): one space or a colon and a space; never #! nix-shell or a tab', () => {
    assert.deepEqual(words('#!nix shell a#b'), ['shell', 'a#b']);
    assert.deepEqual(words('#!nix: shell a#b'), ['shell', 'a#b']);
    assert.deepEqual(words('#! nix\tshell a#b'), []);
    assert.deepEqual(words('#! nix-shell -p jq'), []);
    assert.deepEqual(words('#! nix\n#! nix shell a#b'), ['shell', 'a#b']);
  });
  it('before 2.22 a line starting with ( ends the block', async () => {
    const { rulesFor, parseNixVersion } = await import('../../src/core/shebang/nix-version.js');
    const m = parseShebang('#!/usr/bin/env nix\n(* c *)\n#! nix shell a#b --command bash\n', { rules: rulesFor(parseNixVersion('2.21.0')) });
    assert.deepEqual(m.words, []);
  });
  it('chomps CRLF', () => assert.deepEqual(words('#! nix shell a#b\r\n#! nix -c bash\r'), ['shell', 'a#b', '-c', 'bash']));
});

describe('#! nix words (parseShebangContent)', () => {
  it('backtick strings span lines, keep blanks, and drop one space before the closing ``', () => {
    assert.deepEqual(words('#! nix -c bash ``a  b``'), ['-c', 'bash', 'a  b']);
    assert.deepEqual(words('#! nix -c bash `` x ``'), ['-c', 'bash', ' x']);
    assert.deepEqual(words('#! nix -c ``multi\n#! nix   line``'), ['-c', 'multi\n  line']);
    assert.deepEqual(words('#! nix -c ```echo `x` ok`` '), ['-c', '`echo `x` ok']);
  });
  it('drops unquoted text right before `` and splits text right after it (as Nix does)', () => {
    assert.deepEqual(words('#! nix -c foo``bar``'), ['-c', 'bar']);
    assert.deepEqual(words('#! nix -c ``bar``baz'), ['-c', 'bar', 'baz']);
  });
  it('refuses reserved characters, a word starting with #, a single backtick and an open string', () => {
    for (const c of ['$', '*', '~', '<', '>', '|', ';', '(', ')', '[', ']', '{', '}', "'", '"', '\\']) assert.equal(err(`#! nix shell a${c}b`), 'flake-reserved-char', c);
    assert.equal(err('#! nix shell #x'), 'flake-hash-start');
    assert.deepEqual(words('#! nix shell a#b'), ['shell', 'a#b']);
    assert.equal(err('#! nix shell `x'), 'flake-backtick');
    assert.equal(err('#! nix shell ``x'), 'flake-unterminated');
  });
  it('records where each word starts', () => {
    const m = parse('#!  nix shell  a#b');
    assert.deepEqual(m.words.map((w) => [w.value, w.line, w.col]), [['shell', 2, 9], ['a#b', 2, 16]]);
  });
});

describe('nix argv: the words, then the script and its arguments', () => {
  it('--command takes everything after it, the script path and arguments included', () => {
    const m = parse('#! nix shell nixpkgs#jq --command python3 -u', ['A']);
    assert.deepEqual(shown(m.flake?.exec), ['python3', '-u', '<SCRIPT>', 'A']);
    assert.deepEqual(shown(m.flake?.installables), ['nixpkgs#jq']);
    assert.equal(summarizeShebang(m).interpreter, 'python3');
    assert.equal(summarizeShebang(m).dialect, 'nix');
  });
  it('without --command the script path becomes an installable', () => {
    assert.deepEqual(shown(parse('#! nix shell nixpkgs#jq').flake?.installables), ['nixpkgs#jq', '<SCRIPT>']);
  });
  it('expands compound short flags and knows root, shell, develop and run flags', () => {
    assert.deepEqual(shown(parse('#! nix -v shell -ic bash nixpkgs#jq').flake?.exec), ['bash', 'nixpkgs#jq', '<SCRIPT>']);
    assert.equal(parse('#! nix shell -i -k HOME nixpkgs#jq -c bash').args.pure, true);
    assert.deepEqual(parse('#! nix shell -i -k HOME nixpkgs#jq -c bash').args.keep, ['HOME']);
    assert.deepEqual(shown(parse('#! nix run nixpkgs#hello --').flake?.runArgs), ['<SCRIPT>']);
    assert.equal(parse('#! nix develop nixpkgs#hello').error?.rule, 'unexpected-argument');
  });
  it('stops where nix stops: unknown flags and commands, missing values, flags before the command', () => {
    assert.equal(err('#! nix shell --bogus a#b -c bash'), 'unknown-flag');
    assert.equal(err('#! nix --command bash shell a#b'), 'unknown-flag');
    assert.equal(err('#! nix shel a#b -c bash'), 'flake-unknown-command');
    assert.equal(err('#! nix shell a#b -c bash --arg x'), undefined, '--arg after --command is an argument of the command');
    assert.equal(err('#! nix shell --file'), 'flag-missing-value');
    assert.equal(err('  '), 'flake-unknown-command');
  });
});
