import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import type { CliContext } from '../context.js';

/** `runmeter parse [file]`: print the metric points found in a log. */
export function register(program: Command, _context: CliContext): void {
  program
    .command('parse [file]')
    .description('print the metric points found in a log (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new RunmeterError('E_NOT_BUILT', '`runmeter parse` is not built yet');
    });
}
