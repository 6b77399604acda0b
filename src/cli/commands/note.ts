import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { checkNote } from '../../model/organise.js';
import type { CliContext } from '../context.js';

/** Reads all of stdin as text. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `runmeter note RUN [TEXT]`: sets a run's note (Markdown), prints it with no text, clears it with --clear. */
export function register(program: Command, context: CliContext): void {
  program
    .command('note')
    .description('set a note on a run (Markdown; the dashboard shows it as text-safe formatting); with no text, print it')
    .argument('<run>', 'an id, a unique id prefix, a name, or "last"')
    .argument('[text]', 'the note; "-" reads it from stdin')
    .option('--clear', 'remove the note')
    .option('--store <store>', 'store to change (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (ref: string, text: string | undefined, flags: { clear?: boolean; store?: string }) => {
      if (flags.clear && text !== undefined) throw new UsageError('runmeter note: give either a text or --clear, not both');
      const store = context.store(flags.store);
      const run = await store.resolveRun(ref);
      if (text === undefined && !flags.clear) {
        if (run.note !== undefined) context.stdout.write(run.note.endsWith('\n') ? run.note : `${run.note}\n`);
        else context.stderr.write(`${run.id} (${run.name}) has no note; set one with: runmeter note ${run.id} "text"\n`);
        return;
      }
      const note = flags.clear ? '' : checkNote(text === '-' ? await readStdin() : (text as string));
      await store.updateRun(run.id, { note });
      context.stderr.write(`${run.id} (${run.name}): ${note === '' ? 'note removed' : 'note saved'}\n`);
    });
}
