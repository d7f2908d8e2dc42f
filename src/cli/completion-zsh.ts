import { spellings, type CommandSpec, type CompletionSpec, type FlagSpec, type PositionalSpec, type Values } from './completion.js';

/** A single-quoted zsh word. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** Text inside an _arguments `[explanation]` (brackets and backslashes escaped). */
const explain = (s: string): string => s.replace(/[\\[\]]/g, (c) => `\\${c}`);
/** A message or value in an _arguments spec: its `:` separate fields. */
const field = (s: string): string => s.replace(/[\\:]/g, (c) => `\\${c}`);

function action(v: Values): string {
  if (v.kind === 'choices') return `(${v.choices.map(field).join(' ')})`;
  if (v.kind === 'files') return '_files';
  if (v.kind === 'dirs') return '_files -/';
  return ' ';
}

/** One spec per spelling, each excluding the others (`-n` and `--namespace` are one flag). */
function flagSpecs(f: FlagSpec, exclusive = ''): string[] {
  const names = spellings(f);
  const group = exclusive || (names.length > 1 ? `(${names.join(' ')})` : '');
  const arg = f.value ? `:${field((f.long ?? f.short ?? '').replace(/^-+/, ''))}:${action(f.value)}` : '';
  return names.map((n) => q(`${group}${n}${f.value ? (n.startsWith('--') ? '=' : '+') : ''}[${explain(f.description)}]${arg}`));
}

function positionalSpec(p: PositionalSpec, i: number): string {
  const at = p.variadic ? '*' : `${i + 1}${p.required ? '' : ':'}`;
  return q(`${at}:${field(p.name)}:${action(p.values)}`);
}

function commandArm(c: CommandSpec): string {
  const specs = [...c.flags.flatMap((f) => flagSpecs(f)), ...c.positionals.map(positionalSpec)];
  return `    ${q(c.name)})\n      _arguments -s -S \\\n        ${specs.join(' \\\n        ')} && ret=0\n      ;;`;
}

/** The zsh script: _arguments specs for the root and for each command. */
export function zshScript(spec: CompletionSpec): string {
  const rootFlags = spec.flags.flatMap((f) => flagSpecs(f, '(- *)'));
  const commands = spec.commands.map((c) => q(`${field(c.name)}:${c.description}`));
  return `#compdef ${spec.name}
# zsh completion for ${spec.name}, made by \`${spec.name} completion zsh\` (${spec.name} ${spec.version}).
# Install: ${spec.name} completion zsh > "\${fpath[1]}/_${spec.name}", then start a new shell.
# Or load it now (after compinit): source <(${spec.name} completion zsh)

_${spec.name}() {
  local curcontext=$curcontext state line ret=1
  typeset -A opt_args
  _arguments -C \\
    ${rootFlags.join(' \\\n    ')} \\
    '1: :->command' \\
    '*:: :->args' && ret=0
  case $state in
    command)
      local -a commands=(
        ${commands.join('\n        ')}
      )
      _describe -t commands '${spec.name} command' commands && ret=0
      ;;
    args)
      curcontext=\${curcontext%:*:*}:${spec.name}-$words[1]:
      case $words[1] in
${spec.commands.map(commandArm).join('\n')}
      esac
      ;;
  esac
  return ret
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _${spec.name} "$@"
else
  compdef _${spec.name} ${spec.name}
fi
`;
}
