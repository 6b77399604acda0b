import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { decodeBatch } from '../../model/batch-codec.js';
import { RunmeterError } from '../../model/errors.js';
import type { Store } from '../../store/store.js';
import { ApiError } from '../errors.js';
import type { Admission } from './admission.js';

/** The content type of an encoded batch (model/batch-codec.ts). Not one a cross-site form can send. */
export const BATCH_CONTENT_TYPE = 'application/x-runmeter-batch';

const tooLarge = (max: number) => new ApiError(413, 'E_BATCH_TOO_LARGE', `a batch may be at most ${max} bytes; this one is larger`);

/** Parts of a body joined into one buffer of its own (offset 0, so its float64 columns decode without a copy). */
function joined(parts: readonly Uint8Array[], size: number): Uint8Array {
  const body = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.byteLength;
  }
  return body;
}

/**
 * Reads a request body up to `max` bytes; 413 past it, whatever Content-Length said. Under `runmeter server` the
 * body is read straight from Node's request (Hono's web stream over it cost more CPU than applying the batch);
 * in-process (`app.request`), from the Request.
 */
async function readBody(request: Request, incoming: IncomingMessage | undefined, max: number): Promise<Uint8Array> {
  if (incoming !== undefined && !incoming.readableDidRead) {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const part of incoming as AsyncIterable<Buffer>) {
      size += part.byteLength;
      if (size > max) {
        incoming.destroy();
        throw tooLarge(max);
      }
      parts.push(part);
    }
    return joined(parts, size);
  }
  const reader = request.body?.getReader();
  if (reader === undefined) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge(max);
    }
    parts.push(value);
  }
  return joined(parts, size);
}

/** The Node request under @hono/node-server (its env is `{ incoming, outgoing }`); undefined in-process. */
function nodeRequest(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming;
  return incoming !== null && typeof incoming === 'object' && typeof (incoming as IncomingMessage).on === 'function'
    ? (incoming as IncomingMessage)
    : undefined;
}

/** Whether a store error says the data itself is wrong (PostgreSQL's data and integrity classes): sending it again will not help. */
function isBadData(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code);
}

/** POST /batches: an encoded batch in, applied exactly once, `{ applied }` out. */
export function ingestRoutes(store: Store, admission: Admission): Hono {
  const app = new Hono();
  app.post('/batches', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== BATCH_CONTENT_TYPE && type !== 'application/octet-stream') {
      throw new ApiError(415, 'E_CONTENT_TYPE', `a batch is sent as ${BATCH_CONTENT_TYPE}, got "${type ?? ''}"`);
    }
    const { maxBodyBytes } = admission.limits;
    const declared = Number(c.req.header('content-length') ?? Number.NaN);
    if (declared > maxBodyBytes) throw new ApiError(413, 'E_BATCH_TOO_LARGE', `a batch may be at most ${maxBodyBytes} bytes; this one is ${declared}`);
    // The body, and its decoded columns beside it: twice its size, reserved before a byte is read.
    const release = admission.reserve(2 * (Number.isFinite(declared) ? declared : maxBodyBytes));
    try {
      const batch = decodeBatch(await readBody(c.req.raw, nodeRequest(c.env), maxBodyBytes));
      const done = await admission.turn();
      try {
        return c.json(await store.applyBatch(batch));
      } catch (error) {
        if (isBadData(error)) throw new ApiError(400, 'E_BAD_BATCH', `the store refused the batch's data: ${(error as Error).message}`);
        throw error;
      } finally {
        done();
      }
    } catch (error) {
      if (error instanceof RunmeterError && error.code === 'E_BATCH') throw new ApiError(400, 'E_BAD_BATCH', error.message);
      throw error;
    } finally {
      release();
    }
  });
  return app;
}
