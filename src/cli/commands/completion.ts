import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { bashScript, completionModel, fishScript, zshScript } from '../completion-scripts.js';
import type { CliContext } from '../context.js';

const shells = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

/** `runmeter completion bash|zsh|fish`: prints the shell's completion script for every command and option. */
export function register(program: Command, context: CliContext): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish) for every command and option')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      if (!Object.hasOwn(shells, shell)) throw new UsageError(`completion expects a shell: bash, zsh or fish, got "${shell}"`);
      // Every command's options, from the program itself: the script never falls behind the commands.
      const { buildProgram } = await import('../main.js');
      const full = await buildProgram({ ...context });
      context.stdout.write(shells[shell as keyof typeof shells](completionModel(full)));
    });
}
