import { spellings, type CommandSpec, type CompletionSpec, type Values } from './completion.js';

/** A word for bash, quoted only when it must be. */
export const shellWord = (s: string): string => (/^[-\w.,/=+@%:]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `choices a b`, `files`, `dirs` or `none`: what __nixpod_complete takes. */
const valueWords = (v: Values): string => (v.kind === 'choices' ? ['choices', ...v.choices].join(' ') : v.kind);

const arm = (pattern: string, reply: string): string => `    ${pattern}) __nixpod_reply=${shellWord(reply)} ;;`;

function flagArms(spec: CompletionSpec): string[] {
  const root = arm("''", spec.flags.flatMap(spellings).join(' '));
  return [root, ...spec.commands.map((c) => arm(shellWord(c.name), c.flags.flatMap(spellings).join(' ')))];
}

function valueArms(spec: CompletionSpec): string[] {
  const all = [{ name: '', flags: spec.flags }, ...spec.commands];
  return all.flatMap((c) =>
    c.flags.flatMap((f) => (f.value ? [arm(spellings(f).map((s) => shellWord(`${c.name} ${s}`)).join('|'), valueWords(f.value))] : [])),
  );
}

/** Positional N of a command: its own kind, the variadic one's for all after it, else nothing. */
function positionalArms(c: CommandSpec): string[] {
  const name = shellWord(c.name);
  const arms = c.positionals.filter((p) => !p.variadic).map((p, i) => arm(`${name}' ${i}'`, valueWords(p.values)));
  const rest = c.positionals.find((p) => p.variadic);
  return [...arms, arm(`${name}' '*`, rest ? valueWords(rest.values) : 'none')];
}

/** The bash script: the tables of this program's commands and flags, then a fixed walker over the words typed. */
export function bashScript(spec: CompletionSpec): string {
  const commands = arm("''' 0'", ['choices', ...spec.commands.map((c) => c.name)].join(' '));
  return `# bash completion for ${spec.name}, made by \`${spec.name} completion bash\` (${spec.name} ${spec.version}).
# Load it now with: source <(${spec.name} completion bash); for every shell, add that line to ~/.bashrc.
# Works with and without the bash-completion package (with it, paths complete as in other commands).

# The flags of a command ('' is ${spec.name} itself).
__nixpod_flags() {
  case $1 in
${flagArms(spec).join('\n')}
    *) __nixpod_reply= ;;
  esac
}

# What follows a flag of a command: "choices A B ...", files, dirs or none; empty for a flag that takes no value.
__nixpod_flag_value() {
  case "$1 $2" in
${valueArms(spec).join('\n')}
    *) __nixpod_reply= ;;
  esac
}

# What the positional argument N (from 0) of a command is.
__nixpod_positional() {
  case "$1 $2" in
${[commands, ...spec.commands.flatMap(positionalArms)].join('\n')}
    *) __nixpod_reply=none ;;
  esac
}
${WALKER}
complete -F _nixpod ${spec.name}
`;
}

/** Fixed part: reads the words typed so far and answers from the tables above. */
const WALKER = `
__nixpod_complete() {
  local kind=$1
  shift
  case $kind in
    choices) mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur") ;;
    files | dirs)
      if declare -F _filedir >/dev/null; then
        if [[ $kind == dirs ]]; then _filedir -d; else _filedir; fi
      else
        compopt -o filenames 2>/dev/null
        if [[ $kind == dirs ]]; then mapfile -t COMPREPLY < <(compgen -d -- "$cur"); else mapfile -t COMPREPLY < <(compgen -f -- "$cur"); fi
      fi
      ;;
    *) COMPREPLY=() ;;
  esac
}

# Without bash-completion: bash splits --flag=value at '=' (COMP_WORDBREAKS); join those words again.
__nixpod_words() {
  words=() cword=0 split=false
  local i j=-1
  for ((i = 0; i < \${#COMP_WORDS[@]}; i++)); do
    if [[ \${COMP_WORDS[i]} == '=' && $j -ge 0 && \${words[j]} == --* && \${words[j]} != *=* ]]; then
      words[j]+='='
    elif [[ $j -ge 0 && \${words[j]} == --*= && \${COMP_WORDS[i - 1]} == '=' ]]; then
      words[j]+=\${COMP_WORDS[i]}
    else
      words[++j]=\${COMP_WORDS[i]}
    fi
    ((i == COMP_CWORD)) && cword=$j
  done
  cur=\${words[cword]-}
  prev=\${words[cword - 1]-}
  if [[ $cur == --*=* ]]; then
    prev=\${cur%%=*} cur=\${cur#*=} split=true
  fi
}

_nixpod() {
  local cur prev words cword split=false __nixpod_reply
  if declare -F _init_completion >/dev/null; then
    _init_completion -s || return
  else
    __nixpod_words
  fi
  # The command is the first word that is not a flag; flags that take a value skip it.
  local cmd='' npos=0 dashdash=false i w
  for ((i = 1; i < cword; i++)); do
    w=\${words[i]}
    if [[ $dashdash == true || $w != -?* ]]; then
      if [[ -z $cmd ]]; then cmd=$w; else npos=$((npos + 1)); fi
    elif [[ $w == -- ]]; then
      dashdash=true
    elif [[ $w != *=* ]]; then
      __nixpod_flag_value "$cmd" "$w"
      [[ -n $__nixpod_reply ]] && i=$((i + 1))
    fi
  done
  if [[ $dashdash == false ]]; then
    if [[ $split == true || ( $prev == -?* && $cword -gt 1 ) ]]; then
      __nixpod_flag_value "$cmd" "$prev"
      if [[ -n $__nixpod_reply ]]; then
        # shellcheck disable=SC2086 # the reply is a list of words
        __nixpod_complete $__nixpod_reply
        return
      fi
    fi
    if [[ $cur == -* ]]; then
      __nixpod_flags "$cmd"
      mapfile -t COMPREPLY < <(compgen -W "$__nixpod_reply" -- "$cur")
      return
    fi
  fi
  [[ -z $cmd ]] && npos=0
  __nixpod_positional "$cmd" "$npos"
  # shellcheck disable=SC2086
  __nixpod_complete $__nixpod_reply
}
`;
