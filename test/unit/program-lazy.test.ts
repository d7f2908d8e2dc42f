import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import type { CliIo } from '../../src/cli/io.js';
import { buildProgram, CHECK_ONLY, COMMANDS, commandOf, type CommandTable } from '../../src/cli/program.js';

/** What parsing `argv` printed and threw, with the program built with every command or with `only`. */
async function parse(argv: readonly string[], only: string | undefined, commands: CommandTable = COMMANDS): Promise<string> {
  let out = '';
  const io = { stdout: (t: string) => (out += `[out]${t}`), stderr: (t: string) => (out += `[err]${t}`) } as unknown as CliIo;
  const program = buildProgram(io, () => undefined, 'nixpod', commands, only);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return `${out}[ran]`;
  } catch (e) {
    if (!(e instanceof CommanderError)) return `${out}[threw ${String(e)}]`;
    return `${out}[${e.code} ${e.exitCode}]`;
  }
}

// Lines that stop in parsing or help (an action would run the command itself).
const TAILS: readonly (readonly string[])[] = [
  ['--help'],
  ['-h'],
  ['--nope'],
  ['--namspace', 'x'],
  ['--quiet', '--help'],
  ['-n', 'Not_A_Namespace'],
  ['--format', 'xml'],
  ['--kind', 'deployment'],
  ['--runtime', 'docker'],
  ['--timeout', '0s'],
  ['--concurrency', '0'],
  ['--image', ''],
  ['--nix-version', 'two'],
  ['--registry', 'UPPER/case'],
  ['--applyset', 'Bad_Name'],
  ['--color', 'sometimes'],
  ['--output'],
  ['-o'],
  ['--dry-run', 'maybe'],
  ['-V'],
];

describe('a run defines only its own command', () => {
  it('commandOf names the command argv runs, except completion (which lists them all) and anything else', () => {
    assert.equal(commandOf(['render', 'scripts/'], COMMANDS), 'render');
    assert.equal(commandOf(['check'], COMMANDS), 'check');
    for (const argv of [[], ['completion', 'bash'], ['help', 'render'], ['--help'], ['-V'], ['rendr'], ['constructor'], ['__proto__'], ['toString']]) assert.equal(commandOf(argv, COMMANDS), undefined, argv.join(' '));
  });

  it('help, parse errors and their exit codes are the same as with every command defined', async () => {
    const commands = buildProgram({ stdout: () => undefined, stderr: () => undefined } as unknown as CliIo, () => undefined, 'nixpod', COMMANDS).commands.map((c) => c.name());
    assert.ok(commands.length >= 8, commands.join(' '));
    let compared = 0;
    for (const command of commands) {
      const only = commandOf([command], COMMANDS);
      if (only === undefined) continue;
      for (const tail of TAILS) {
        const argv = [command, ...tail];
        const full = await parse(argv, undefined);
        assert.equal(await parse(argv, only), full, argv.join(' '));
        compared++;
      }
    }
    // Every command but completion, each with every line.
    assert.equal(compared, (commands.length - 1) * TAILS.length);
  });

  it('the check program (CHECK_ONLY) answers every check line as the program with every command does', async () => {
    assert.equal(commandOf(['check', 'x'], CHECK_ONLY), 'check');
    // The launcher gives the check program only lines whose first word is `check`.
    for (const argv of [[], ['render'], ['--help'], ['completion', 'bash']]) assert.equal(commandOf(argv, CHECK_ONLY), undefined, argv.join(' '));
    assert.deepEqual(Object.keys(CHECK_ONLY), ['check']);
    assert.equal(CHECK_ONLY.check, COMMANDS.check);
    for (const tail of [...TAILS, ['--fix', '--help'], ['--format', 'sarif', '--nope'], ['--nixpkgs', 'x'], ['--nix', '--package-index', 'f'], ['a', 'b', '--quiet', '--help']]) {
      const argv = ['check', ...tail];
      assert.equal(await parse(argv, commandOf(argv, CHECK_ONLY), CHECK_ONLY), await parse(argv, undefined), argv.join(' '));
    }
  });
});
