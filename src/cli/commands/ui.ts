import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import type { CliContext } from '../context.js';

/** `runmeter ui`: serve the dashboard and the HTTP API. */
export function register(program: Command, _context: CliContext): void {
  program
    .command('ui')
    .description('serve the dashboard and the HTTP API (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new RunmeterError('E_NOT_BUILT', '`runmeter ui` is not built yet');
    });
}
