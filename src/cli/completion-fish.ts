import type { CommandSpec, CompletionSpec, FlagSpec, Values } from './completion.js';

/** A single-quoted fish word. */
const q = (s: string): string => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

function valueArgs(v: Values | null): string {
  if (v === null) return '';
  if (v.kind === 'choices') return ` -x -a ${q(v.choices.join(' '))}`;
  if (v.kind === 'files') return ' -r -F';
  if (v.kind === 'dirs') return ` -x -a ${q('(__fish_complete_directories)')}`;
  return ' -x';
}

function flagLine(name: string, condition: string, f: FlagSpec): string {
  const short = f.short ? ` -s ${f.short.slice(1)}` : '';
  const long = f.long ? ` -l ${f.long.slice(2)}` : '';
  return `complete -c ${name} -n ${q(condition)}${short}${long} -d ${q(f.description)}${valueArgs(f.value)}`;
}

function positionalLine(name: string, c: CommandSpec): string {
  const condition = `__${name}_using ${c.name}`;
  const p = c.positionals[0];
  if (!p) return '';
  if (p.values.kind === 'choices') return `complete -c ${name} -n ${q(condition)} -a ${q(p.values.choices.join(' '))}\n`;
  return `complete -c ${name} -n ${q(condition)} -F\n`;
}

function commandLines(name: string, c: CommandSpec): string {
  const condition = `__${name}_using ${c.name}`;
  return `\n# ${c.name}\n${positionalLine(name, c)}${c.flags.map((f) => flagLine(name, condition, f)).join('\n')}\n`;
}

/** The fish script: `complete` lines for the root and for each command, the command found by a small function. */
export function fishScript(spec: CompletionSpec): string {
  const n = spec.name;
  const none = `not __${n}_command`;
  return `# fish completion for ${n}, made by \`${n} completion fish\` (${n} ${spec.version}).
# Install: ${n} completion fish > ~/.config/fish/completions/${n}.fish

# The command being typed: the first word after ${n} that is not a flag (${n}'s own flags take no value).
function __${n}_command
    set -l tokens (commandline -opc)
    for t in $tokens[2..-1]
        if not string match -q -- '-*' $t
            echo $t
            return 0
        end
    end
    return 1
end

function __${n}_using
    set -l cmd (__${n}_command)
    test "$cmd" = "$argv[1]"
end

complete -c ${n} -e
complete -c ${n} -f
${spec.commands.map((c) => `complete -c ${n} -n ${q(none)} -a ${q(c.name)} -d ${q(c.description)}`).join('\n')}
${spec.flags.map((f) => flagLine(n, none, f)).join('\n')}
${spec.commands.map((c) => commandLines(n, c)).join('')}`;
}
