import { findErrorLine } from '../model/exit-cause.js';
import type { Run } from '../model/run.js';
import type { OutputStream, Store } from '../store/store.js';
import type { EndCause } from './api-types.js';

/** How much of the end of each stream is read for the error line: tracebacks are short, and come last. */
const TAIL_BYTES = 64 * 1024;

/** The error line in the last part of one stream, with the byte offset where it starts. */
async function errorLineIn(
  store: Store,
  runId: string,
  stream: OutputStream,
  member?: string,
): Promise<{ text: string; kind: 'traceback' | 'error'; offset: number } | undefined> {
  const size = await store.outputSize(runId, stream, member);
  if (size === 0) return undefined;
  const from = Math.max(0, size - TAIL_BYTES);
  let bytes = Buffer.from(await store.readOutput(runId, stream, from, size - from, member));
  let start = from;
  // Start on a whole line, so that no character is cut and byte offsets stay exact.
  if (from > 0) {
    const newline = bytes.indexOf(0x0a);
    if (newline === -1) return undefined;
    bytes = bytes.subarray(newline + 1);
    start += newline + 1;
  }
  const text = bytes.toString('utf8');
  const line = findErrorLine(text);
  return line && { text: line.text, kind: line.kind, offset: start + Buffer.byteLength(text.slice(0, line.index)) };
}

/**
 * Why a failed, killed or lost run ended: the recorder's cause when it set one, else the last traceback line or
 * error line the job printed (stderr first), else the signal, the reason or the exit status. With the line's place
 * in the output, so the dashboard can link to it. Undefined for running and succeeded runs.
 */
export async function findEndCause(store: Store, run: Run): Promise<EndCause | undefined> {
  if (run.status === 'running' || run.status === 'succeeded') return undefined;
  let found: { stream: OutputStream; text: string; kind: 'traceback' | 'error'; offset: number } | undefined;
  // A joined run ended as its worst member did: the error line is in that member's output.
  const member = run.members?.find((m) => m.status === run.status)?.key;
  for (const stream of ['stderr', 'stdout'] as const) {
    const line = await errorLineIn(store, run.id, stream, member).catch(() => undefined);
    if (line) {
      found = { stream, ...line };
      break;
    }
  }
  const where = found ? { stream: found.stream, offset: found.offset } : {};
  if (run.cause) return { text: run.cause, source: 'recorder', ...where };
  if (found) return { text: found.text, source: found.kind, ...where };
  if (run.signal) return { text: `killed by ${run.signal}`, source: 'signal' };
  if (run.reason) return { text: run.reason, source: 'reason' };
  if (run.exitCode !== undefined) return { text: `exited with status ${run.exitCode}; nothing it printed reads as an error`, source: 'exit' };
  return undefined;
}
