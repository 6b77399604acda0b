import type { Command } from 'commander';
import { RunmeterError } from '../../model/errors.js';
import type { CliContext } from '../context.js';

/** `runmeter flops MODEL`: count the FLOPs of a model from its ONNX graph or TF.js topology. */
export function register(program: Command, _context: CliContext): void {
  program
    .command('flops MODEL')
    .description('count the FLOPs of a model from its ONNX graph or TF.js topology (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new RunmeterError('E_NOT_BUILT', '`runmeter flops` is not built yet');
    });
}
