import type { Argument, Command, Option } from 'commander';
import { bashScript } from './completion-bash.js';
import { fishScript } from './completion-fish.js';
import { zshScript } from './completion-zsh.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a word completes to: one of fixed values, a file or folder path, or nothing nixpod can list (a namespace, a duration). */
export type Values = { kind: 'choices'; choices: readonly string[] } | { kind: 'files' } | { kind: 'dirs' } | { kind: 'none' };

export interface FlagSpec {
  /** `-n`, absent when the flag has no short form. */
  short?: string;
  /** `--namespace`, absent when the flag has only a short form. */
  long?: string;
  description: string;
  /** What follows the flag; null for a switch (`--nix`). */
  value: Values | null;
}

export interface PositionalSpec {
  name: string;
  description: string;
  variadic: boolean;
  required: boolean;
  values: Values;
}

export interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  positionals: PositionalSpec[];
}

/** The whole command line as completion sees it: the root's flags and commands (the root's name is the command completed). */
export interface CompletionSpec {
  name: string;
  version: string;
  flags: FlagSpec[];
  commands: CommandSpec[];
}

/**
 * Read the program itself (commands, flags, `.choices()`), through commander's public
 * Help API, so that a flag added to main.ts completes without touching this file.
 */
export function completionSpec(program: Command, name: string, version: string): CompletionSpec {
  const help = program.createHelp();
  const commands = help.visibleCommands(program).map((cmd) => commandSpec(cmd, program));
  return { name, version, flags: help.visibleOptions(program).map(flagSpec), commands };
}

function commandSpec(cmd: Command, program: Command): CommandSpec {
  const help = cmd.createHelp();
  // commander's implicit `help [command]`: its argument is a command's name.
  const isHelp = cmd.name() === 'help' && !program.commands.includes(cmd);
  const names = program.commands.map((c) => c.name());
  const positionals = isHelp
    ? [{ name: 'command', description: 'the command', variadic: false, required: false, values: { kind: 'choices' as const, choices: names } }]
    : cmd.registeredArguments.map(positionalSpec);
  return { name: cmd.name(), description: cmd.description(), flags: help.visibleOptions(cmd).map(flagSpec), positionals };
}

function flagSpec(o: Option): FlagSpec {
  const takesValue = o.required || o.optional;
  return {
    ...(o.short !== undefined ? { short: o.short } : {}),
    ...(o.long !== undefined ? { long: o.long } : {}),
    description: o.description,
    value: takesValue ? valuesFor(o.argChoices, o.flags) : null,
  };
}

function positionalSpec(a: Argument): PositionalSpec {
  // Positionals are paths unless they have fixed values: every nixpod command takes scripts or folders.
  const values: Values = a.argChoices ? { kind: 'choices', choices: a.argChoices } : { kind: 'files' };
  return { name: a.name(), description: a.description, variadic: a.variadic, required: a.required, values };
}

/** A flag's value kind follows its choices, else the name of its argument in the help (`<file>`, `<dir>`, `<path>`). */
function valuesFor(choices: readonly string[] | undefined, flags: string): Values {
  if (choices) return { kind: 'choices', choices };
  const arg = /[<[]([^>\]]+)[>\]]/.exec(flags)?.[1] ?? '';
  if (/^(dir|folder)$/.test(arg)) return { kind: 'dirs' };
  if (/^(file|path|script)$/.test(arg)) return { kind: 'files' };
  return { kind: 'none' };
}

/** The flag's spellings: `-n --namespace`. */
export const spellings = (f: FlagSpec): string[] => [f.short, f.long].filter((s): s is string => s !== undefined);

/** The completion script for one shell, made from the program as it is now. */
export function completionScript(program: Command, shell: Shell, version: string): string {
  const spec = completionSpec(program, 'nixpod', version);
  if (shell === 'bash') return bashScript(spec);
  if (shell === 'zsh') return zshScript(spec);
  return fishScript(spec);
}
