import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import type { Run } from '../../model/run.js';
import type { RunMember } from '../../model/run-members.js';
import { escapeControl } from '../../model/text.js';
import type { OutputStream, Store } from '../../store/store.js';
import { type CliContext, noStoreYet } from '../context.js';

const PIECE = 1 << 20;

function writeAll(stream: NodeJS.WritableStream, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(bytes)) resolve();
    else stream.once('drain', resolve);
  });
}

/** Copies bytes [from, to) of a run's stream (a member's, in a joined run) to `out`, a piece at a time. */
async function copyRange(
  store: Store,
  runId: string,
  stream: OutputStream,
  from: number,
  to: number,
  out: NodeJS.WritableStream,
  member?: string,
): Promise<number> {
  let offset = from;
  while (offset < to) {
    const bytes = await store.readOutput(runId, stream, offset, Math.min(PIECE, to - offset), member);
    if (bytes.length === 0) break;
    await writeAll(out, bytes);
    offset += bytes.length;
  }
  return offset;
}

/** The members whose output is printed: all of a joined run's (or the one --node names), else the run's own streams. */
function membersToPrint(run: Run, node: string | undefined): Array<RunMember | undefined> {
  if (node === undefined) return run.members ?? [undefined];
  if (run.members === undefined) throw new UsageError(`--node picks a node of a joined run (run --join); run ${run.id} is not one`);
  const members = run.members.filter((member) => member.node === node);
  if (members.length === 0)
    throw new UsageError(`run ${run.id} has no node ${JSON.stringify(node)}; its nodes: ${[...new Set(run.members.map((m) => m.node))].join(', ')}`);
  return members;
}

/**
 * `runmeter logs RUN`: the job's output, byte for byte; both streams in arrival order unless one is chosen. A joined
 * run's output comes node by node, each under a `==> node NAME <==` line on stdout (as `tail` heads several files),
 * unless --node picks one, whose bytes then come alone.
 */
export function register(program: Command, context: CliContext): void {
  program
    .command('logs')
    .description("print a run's output byte for byte (stdout to stdout, stderr to stderr, in the order they arrived)")
    .argument('<run>', 'an id, a unique id prefix, a name, or "last"')
    .option('--stdout', 'only the stdout stream (written to stdout)')
    .option('--stderr', 'only the stderr stream (written to stdout)')
    .option('--node <name>', "a joined run's (run --join): only this node's output, without a heading")
    .option('-f, --follow', 'keep printing while the run is still running')
    .option('--store <store>', 'store to read (default: $RUNMETER_STORE or ~/.runmeter)')
    .action(async (ref: string, flags: { stdout?: boolean; stderr?: boolean; follow?: boolean; store?: string; node?: string }) => {
      if (flags.stdout && flags.stderr) throw new UsageError('--stdout and --stderr exclude each other; give neither for both streams');
      const store = context.readStore(flags.store);
      if (store === undefined) throw noStoreYet(ref, flags.store, context.env);
      let run = await store.resolveRun(ref);
      let members = membersToPrint(run, flags.node);
      const headed = run.members !== undefined && flags.node === undefined;
      const only: OutputStream | undefined = flags.stdout ? 'stdout' : flags.stderr ? 'stderr' : undefined;
      const target = (stream: OutputStream) => (only !== undefined || stream === 'stdout' ? context.stdout : context.stderr);
      const done = new Map<RunMember | undefined, Record<OutputStream, number>>();
      const doneOf = (member: RunMember | undefined) => {
        const offsets = done.get(member) ?? { stdout: 0, stderr: 0 };
        done.set(member, offsets);
        return offsets;
      };
      let headedMember: RunMember | undefined | null = null;
      const heading = async (member: RunMember | undefined, always: boolean) => {
        if (!headed || member === undefined || member === headedMember) return;
        if (!always && !(await hasMore(store, run.id, member, doneOf(member), only))) return;
        await writeAll(context.stdout, Buffer.from(`${headedMember === null ? '' : '\n'}==> node ${escapeControl(member.node)} <==\n`));
        headedMember = member;
      };
      const chunks = only === undefined ? await store.outputChunks(run.id) : [];
      for (const member of members) {
        await heading(member, true);
        const offsets = doneOf(member);
        for (const chunk of chunks) {
          if (chunk.member !== member?.key || chunk.offset !== offsets[chunk.stream]) continue;
          offsets[chunk.stream] = await copyRange(store, run.id, chunk.stream, chunk.offset, chunk.offset + chunk.length, target(chunk.stream), member?.key);
        }
        // Whatever the index does not cover yet (a run still going, or one whose recorder died) follows in file order.
        await copyRest(store, run.id, member, offsets, only, target);
      }
      while (flags.follow && run.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 250));
        run = (await store.getRun(run.id)) ?? run;
        // A node that joins meanwhile is followed too.
        if (flags.node === undefined && run.members !== undefined) members = run.members;
        for (const member of members) {
          const known = [...done.keys()].find((m) => m?.key === member?.key) ?? member;
          await heading(known, false);
          await copyRest(store, run.id, known, doneOf(known), only, target);
        }
      }
    });
}

const streamsOf = (only: OutputStream | undefined): OutputStream[] => (only ? [only] : ['stdout', 'stderr']);

/** Copies what each stream holds past what was printed, in file order. */
async function copyRest(
  store: Store,
  runId: string,
  member: RunMember | undefined,
  offsets: Record<OutputStream, number>,
  only: OutputStream | undefined,
  target: (stream: OutputStream) => NodeJS.WritableStream,
): Promise<void> {
  for (const stream of streamsOf(only))
    offsets[stream] = await copyRange(store, runId, stream, offsets[stream], await store.outputSize(runId, stream, member?.key), target(stream), member?.key);
}

async function hasMore(
  store: Store,
  runId: string,
  member: RunMember,
  offsets: Record<OutputStream, number>,
  only: OutputStream | undefined,
): Promise<boolean> {
  for (const stream of streamsOf(only)) if ((await store.outputSize(runId, stream, member.key)) > offsets[stream]) return true;
  return false;
}
