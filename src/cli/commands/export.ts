import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import type { CliContext } from '../context.js';

/** `runmeter export RUN`: export a run as CSV, JSON Lines or PROV-JSON. */
export function register(program: Command, _context: CliContext): void {
  program
    .command('export RUN')
    .description('export a run as CSV, JSON Lines or PROV-JSON (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new RunmeterError('E_NOT_BUILT', '`runmeter export` is not built yet');
    });
}
