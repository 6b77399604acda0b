import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function register(_program: Command, _context: CliContext): void {}
