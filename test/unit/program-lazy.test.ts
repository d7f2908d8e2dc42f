import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import type { CliIo } from '../../src/cli/io.js';
import { buildProgram, commandOf } from '../../src/cli/program.js';

/** What parsing `argv` printed and threw, with the program built with every command or with `only`. */
async function parse(argv: readonly string[], only: string | undefined): Promise<string> {
  let out = '';
  const io = { stdout: (t: string) => (out += `[out]${t}`), stderr: (t: string) => (out += `[err]${t}`) } as unknown as CliIo;
  const program = buildProgram(io, () => undefined, 'nixpod', only);
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
    assert.equal(commandOf(['render', 'scripts/']), 'render');
    assert.equal(commandOf(['check']), 'check');
    for (const argv of [[], ['completion', 'bash'], ['help', 'render'], ['--help'], ['-V'], ['rendr'], ['constructor'], ['__proto__'], ['toString']]) assert.equal(commandOf(argv), undefined, argv.join(' '));
  });

  it('help, parse errors and their exit codes are the same as with every command defined', async () => {
    const commands = buildProgram({ stdout: () => undefined, stderr: () => undefined } as unknown as CliIo, () => undefined, 'nixpod').commands.map((c) => c.name());
    assert.ok(commands.length >= 8, commands.join(' '));
    let compared = 0;
    for (const command of commands) {
      const only = commandOf([command]);
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
});
