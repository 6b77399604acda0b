// Shell completion scripts, generated from the program's own commands and options, so they never fall behind it.
import type { Command } from 'commander';

/** What completion needs of one command: its name, summary, and options (flag, takes a value, summary). */
export interface CompletionCommand {
  name: string;
  summary: string;
  options: Array<{ flags: string[]; takesValue: boolean; summary: string }>;
  /** `run` completes a command line after its options. */
  takesCommand: boolean;
}

/** The program's subcommands as completion sees them (hidden options such as --debug left out). */
export function completionModel(program: Command): CompletionCommand[] {
  return program.commands.map((command) => ({
    name: command.name(),
    summary: command.description().split('\n')[0] ?? '',
    options: command.options
      .filter((option) => !option.hidden)
      .map((option) => ({
        flags: [option.short, option.long].filter((flag): flag is string => flag !== undefined),
        takesValue: option.required || option.optional,
        summary: option.description,
      })),
    takesCommand: command.name() === 'run',
  }));
}

const words = (list: string[]) => list.join(' ');
const single = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** bash: `source <(runmeter completion bash)`. */
export function bashScript(commands: CompletionCommand[]): string {
  const cases = commands.map((c) => `    ${c.name}) opts=${single(words([...c.options.flatMap((o) => o.flags), '--help']))} ;;`).join('\n');
  return `# runmeter completion for bash. Load it with: source <(runmeter completion bash)
_runmeter() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" command="" opts="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      --) return 0 ;;
      -*) ;;
      *) [[ -z $command ]] && command="\${COMP_WORDS[i]}" ;;
    esac
  done
  if [[ -z $command ]]; then
    COMPREPLY=($(compgen -W ${single(words([...commands.map((c) => c.name), '--help', '--version', '--debug']))} -- "$cur"))
    return 0
  fi
  case "$command" in
${cases}
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); fi
  return 0
}
complete -o default -F _runmeter runmeter
`;
}

/** zsh: `source <(runmeter completion zsh)`, or the output saved as `_runmeter` in a folder of $fpath. */
export function zshScript(commands: CompletionCommand[]): string {
  const describe = (text: string) => text.replace(/[[\]:'\\]/g, ' ');
  const commandList = commands.map((c) => `    ${single(`${c.name}:${describe(c.summary)}`)}`).join('\n');
  const cases = commands
    .map((c) => {
      const specs = c.options.map((o) => {
        const names = o.flags.length > 1 ? `{${o.flags.join(',')}}` : o.flags[0];
        const exclusive = o.flags.length > 1 ? single(`(${o.flags.join(' ')})`) : '';
        return `        ${exclusive}${names}${single(`[${describe(o.summary)}]${o.takesValue ? ':value:' : ''}`)}`;
      });
      specs.push(c.takesCommand ? `        '*::command:_normal'` : `        '*:file:_files'`);
      return `    ${c.name})\n      _arguments -s \\\n${specs.join(' \\\n')} ;;`;
    })
    .join('\n');
  return `#compdef runmeter
# runmeter completion for zsh. Load it with: source <(runmeter completion zsh)
_runmeter() {
  local -a commands
  commands=(
${commandList}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'runmeter command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case $words[1] in
${cases}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _runmeter "$@"
else
  compdef _runmeter runmeter
fi
`;
}

/** fish: `runmeter completion fish | source`, or saved to ~/.config/fish/completions/runmeter.fish. */
export function fishScript(commands: CompletionCommand[]): string {
  const names = words(commands.map((c) => c.name));
  const lines = ['# runmeter completion for fish. Load it with: runmeter completion fish | source', 'complete -c runmeter -f'];
  for (const c of commands) lines.push(`complete -c runmeter -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d ${single(c.summary)}`);
  for (const c of commands) {
    for (const o of c.options) {
      const flags = o.flags.map((flag) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`)).join(' ');
      lines.push(`complete -c runmeter -n "__fish_seen_subcommand_from ${c.name}" ${flags}${o.takesValue ? ' -r' : ''} -d ${single(o.summary)}`);
    }
    lines.push(`complete -c runmeter -n "__fish_seen_subcommand_from ${c.name}" -F`);
  }
  return `${lines.join('\n')}\n`;
}
