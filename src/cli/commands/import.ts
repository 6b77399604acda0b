import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import type { CliContext } from '../context.js';

/** `runmeter import FILE`: record a run from a log file written earlier. */
export function register(program: Command, _context: CliContext): void {
  program
    .command('import FILE')
    .description('record a run from a log file written earlier (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new RunmeterError('E_NOT_BUILT', '`runmeter import` is not built yet');
    });
}
