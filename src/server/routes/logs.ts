import { Hono } from 'hono';
import type { OutputStream, Store } from '../../store/store.js';
import { ApiError, choiceParam, numberParam } from '../errors.js';

/** The most bytes one log read returns. */
export const MAX_LOG_BYTES = 4 * 1024 * 1024;
const DEFAULT_TAIL = 256 * 1024;
const streams: readonly OutputStream[] = ['stdout', 'stderr'];

/** How many leading bytes of `bytes` end on a whole UTF-8 character, so a read never splits one. */
export function wholeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const byte = bytes[n - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for its lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? n - back : n;
  }
  return n;
}

/** Byte ranges of a run's output streams, as text, with the arrival time of each piece. */
export function logRoutes(store: Store): Hono {
  const app = new Hono();
  const decoder = new TextDecoder('utf-8');

  app.get('/runs/:run/logs', async (c) => {
    const run = await store.resolveRun(c.req.param('run'));
    const stream = choiceParam(c, 'stream', streams) ?? 'stdout';
    // A joined run's output is per node: ?node=NAME picks one (its latest member), else the first node's.
    const node = c.req.query('node');
    const member = node === undefined ? run.members?.[0] : run.members?.findLast((m) => m.node === node);
    if (node !== undefined && member === undefined) throw new ApiError(404, 'E_NODE_NOT_FOUND', `run ${run.id} has no node "${node.slice(0, 64)}"`);
    const size = await store.outputSize(run.id, stream, member?.key);
    const tail = numberParam(c, 'tail', { min: 0, max: MAX_LOG_BYTES, integer: true });
    const offsetParam = numberParam(c, 'offset', { min: 0, integer: true });
    const length = numberParam(c, 'length', { min: 0, max: MAX_LOG_BYTES, integer: true }) ?? tail ?? DEFAULT_TAIL;
    const fromTail = offsetParam === undefined;
    let offset = fromTail ? Math.max(0, size - length) : Math.min(offsetParam, size);
    let bytes = await store.readOutput(run.id, stream, offset, fromTail ? size - offset : length, member?.key);
    if (fromTail && offset > 0) {
      // Start the tail on a whole line.
      const newline = bytes.indexOf(0x0a);
      if (newline !== -1 && newline < bytes.length - 1) {
        bytes = bytes.subarray(newline + 1);
        offset += newline + 1;
      }
    }
    bytes = bytes.subarray(0, wholeUtf8Length(bytes));
    const end = offset + bytes.length;
    const chunks = (await store.outputChunks(run.id))
      .filter((chunk) => chunk.stream === stream && chunk.member === member?.key && chunk.offset + chunk.length > offset && chunk.offset < end)
      .map(({ offset, length, time }) => ({ offset, length, time }));
    return c.json({ runId: run.id, stream, ...(member === undefined ? {} : { node: member.node }), offset, end, size, text: decoder.decode(bytes), chunks });
  });

  return app;
}
