import type { Command } from 'commander';

/** Adds an Examples section to a command's --help: each example a command line and what it does. */
export function withExamples(command: Command, examples: Array<[string, string]>): Command {
  const width = Math.max(...examples.map(([line]) => line.length));
  const text = examples.map(([line, what]) => `  ${line.padEnd(width)}  # ${what}`).join('\n');
  return command.addHelpText('after', `\nExamples:\n${text}\n`);
}
