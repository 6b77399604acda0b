import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import type { OutputStream, Store } from '../../store/store.js';
import { type CliContext, noStoreYet } from '../context.js';

const PIECE = 1 << 20;

function writeAll(stream: NodeJS.WritableStream, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(bytes)) resolve();
    else stream.once('drain', resolve);
  });
}

/** Copies bytes [from, to) of a run's stream to `out`, a piece at a time. */
async function copyRange(store: Store, runId: string, stream: OutputStream, from: number, to: number, out: NodeJS.WritableStream): Promise<number> {
  let offset = from;
  while (offset < to) {
    const bytes = await store.readOutput(runId, stream, offset, Math.min(PIECE, to - offset));
    if (bytes.length === 0) break;
    await writeAll(out, bytes);
    offset += bytes.length;
  }
  return offset;
}

/** `runmeter logs RUN`: the job's output, byte for byte; both streams in arrival order unless one is chosen. */
export function register(program: Command, context: CliContext): void {
  program
    .command('logs')
    .description("print a run's output byte for byte (stdout to stdout, stderr to stderr, in the order they arrived)")
    .argument('<run>', 'an id, a unique id prefix, a name, or "last"')
    .option('--stdout', 'only the stdout stream (written to stdout)')
    .option('--stderr', 'only the stderr stream (written to stdout)')
    .option('-f, --follow', 'keep printing while the run is still running')
    .option('--store <store>', 'store to read (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (ref: string, flags: { stdout?: boolean; stderr?: boolean; follow?: boolean; store?: string }) => {
      if (flags.stdout && flags.stderr) throw new UsageError('--stdout and --stderr exclude each other; give neither for both streams');
      const store = context.readStore(flags.store);
      if (store === undefined) throw noStoreYet(ref, flags.store, context.env);
      const run = await store.resolveRun(ref);
      const only: OutputStream | undefined = flags.stdout ? 'stdout' : flags.stderr ? 'stderr' : undefined;
      const target = (stream: OutputStream) => (only !== undefined || stream === 'stdout' ? context.stdout : context.stderr);
      const done: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
      if (only === undefined) {
        for (const chunk of await store.outputChunks(run.id)) {
          if (chunk.offset !== done[chunk.stream]) continue;
          done[chunk.stream] = await copyRange(store, run.id, chunk.stream, chunk.offset, chunk.offset + chunk.length, target(chunk.stream));
        }
      }
      const streams: OutputStream[] = only ? [only] : ['stdout', 'stderr'];
      // Whatever the index does not cover yet (a run still going, or one whose recorder died) follows in file order.
      for (;;) {
        for (const stream of streams)
          done[stream] = await copyRange(store, run.id, stream, done[stream], await store.outputSize(run.id, stream), target(stream));
        if (!flags.follow || (await store.getRun(run.id))?.status !== 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
}
