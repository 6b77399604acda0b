import readline from 'node:readline/promises';
import { UsageError } from '../model/errors.js';

/** Asks a yes/no question on a terminal. Without a terminal, refuses unless `--yes` was given. */
export async function confirm(
  question: string,
  flags: { yes?: boolean },
  stdin: NodeJS.ReadStream = process.stdin,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<boolean> {
  if (flags.yes) return true;
  if (!stdin.isTTY) throw new UsageError('not deleting without confirmation: stdin is not a terminal; pass --yes to delete');
  const rl = readline.createInterface({ input: stdin, output: stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
