import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../src/model/batch-codec.js';
import { postBatch, type ServerSendError } from '../../src/record/http-client.js';

/** A stand-in for runmeter server that answers `{ applied: true }`, or drops the connection when `drop` says so. */
async function standIn(drop: (request: number, socketRequests: number) => boolean) {
  const seen = { requests: 0, connections: 0, bodies: [] as number[] };
  const server = http.createServer((request, response) => {
    seen.requests++;
    const socket = request.socket as typeof request.socket & { served?: number };
    socket.served = (socket.served ?? 0) + 1;
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      if (drop(seen.requests, socket.served as number)) {
        socket.destroy();
        return;
      }
      seen.bodies.push(Buffer.concat(parts).byteLength);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ applied: true }));
    });
  });
  server.on('connection', () => seen.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const bytes = encodeBatch({ runId: 'r1', producer: 'p', seq: 1 });

describe('postBatch', () => {
  it('sends batches one after another over one kept-alive connection', async () => {
    const { url, seen } = await standIn(() => false);
    for (let i = 0; i < 3; i++) expect(await postBatch(url, 'rmt_x', bytes)).toEqual({ applied: true });
    expect(seen).toEqual({ requests: 3, connections: 1, bodies: [bytes.byteLength, bytes.byteLength, bytes.byteLength] });
  });

  it('sends a batch again on a fresh connection when a kept-alive one turns out closed by the server', async () => {
    // The second request is the first on a reused connection: dropped, as a server closing an idle connection does.
    const { url, seen } = await standIn((request) => request === 2);
    expect(await postBatch(url, undefined, bytes)).toEqual({ applied: true });
    expect(await postBatch(url, undefined, bytes)).toEqual({ applied: true });
    expect(seen).toMatchObject({ requests: 3, connections: 2 });
  });

  it('does not send again when a fresh connection is dropped: the error is retryable and names the socket error', async () => {
    const { url, seen } = await standIn((_request, socketRequests) => socketRequests === 1);
    const error = await postBatch(url, undefined, bytes).then(
      () => undefined,
      (thrown: unknown) => thrown as ServerSendError,
    );
    expect(error).toMatchObject({ name: 'ServerSendError', status: undefined, retryable: true });
    expect(error?.message).toContain('ECONNRESET');
    expect(seen.requests).toBe(1);
  });
});
