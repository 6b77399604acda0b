import { afterEach, describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/model/batch.js';
import { BatchQueue } from '../../src/record/batch-queue.js';
import type { ServerSendError } from '../../src/record/http-client.js';
import { HttpSink } from '../../src/record/http-sink.js';
import { Spool } from '../../src/record/spool.js';
import type { TeamServer } from '../../src/server/index.js';
import { openStore } from '../../src/store/open.js';
import { tempHome } from '../helpers/cli.js';
import { freePort } from '../helpers/postgres.js';
import { t0 } from '../helpers/store.js';
import { addToken, lossBatch, startTeam } from '../server/team-helpers.js';
import { backendTitle, storeBackends } from '../store/backends.js';

const backends = storeBackends();
let server: TeamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const failure = (promise: Promise<unknown>) => promise.then(() => undefined).catch((error: unknown) => error as ServerSendError);

/** A batch with output bytes that are not text: a carriage return, bytes that are not UTF-8. */
function outputBatch(runId: string, seq: number): RecordBatch {
  const bytes = Buffer.from([0x65, 0x70, 0x6f, 0x63, 0x68, 0x0d, 0xff, 0x00, 0xc3, 0x0a]);
  return { runId, producer: 'agent', seq, output: [{ stream: 'stdout', offset: (seq - 2) * bytes.length, length: bytes.length, time: t0 + seq, bytes }] };
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(backendTitle(backend, 'HttpSink ships batches to runmeter server'), () => {
    it('applies each batch once, output bytes and all, and says where it sends without credentials', async () => {
      const store = backend.open(await backend.location());
      const token = await addToken(store, 'agent');
      server = await startTeam(store);
      const sink = new HttpSink(server.url.replace('http://', 'http://ada:hunter2@'), token);
      expect(sink.location).toBe(server.url);
      expect(sink.outputFile()).toBeUndefined();
      expect(await sink.write(lossBatch('r1', 'agent', 1, 0, 500))).toEqual({ applied: true });
      expect(await sink.write(outputBatch('r1', 2))).toEqual({ applied: true });
      expect(await sink.write(outputBatch('r1', 3))).toEqual({ applied: true });
      // A resend (the answer was lost) changes nothing.
      expect(await sink.write(lossBatch('r1', 'agent', 1, 0, 500))).toEqual({ applied: false });
      expect(await sink.write(outputBatch('r1', 3))).toEqual({ applied: false });
      expect((await store.listSeries('r1')).map((s) => s.count)).toEqual([500]);
      const expected = Buffer.concat([outputBatch('r1', 2).output?.[0]?.bytes as Uint8Array, outputBatch('r1', 3).output?.[0]?.bytes as Uint8Array]);
      expect(Buffer.from(await store.readOutput('r1', 'stdout', 0, 100))).toEqual(expected);
      await sink.close();
      expect(await failure(sink.write(outputBatch('r1', 4)))).toMatchObject({ retryable: true });
    });

    it('rejects for good what no resend can change: a refused token, a batch over the body limit', async () => {
      const store = backend.open(await backend.location());
      const token = await addToken(store, 'agent');
      server = await startTeam(store, { limits: { maxBodyBytes: 64 * 1024 } });
      const wrong = await failure(new HttpSink(server.url, 'not-the-token').write(lossBatch('r2', 'agent', 1, 0, 10)));
      expect(wrong).toMatchObject({ status: 401, retryable: false });
      expect(wrong?.message).toContain('the token given was refused: check RUNMETER_TOKEN');
      const none = await failure(new HttpSink(server.url, undefined).write(lossBatch('r2', 'agent', 1, 0, 10)));
      expect(none).toMatchObject({ status: 401, retryable: false });
      expect(none?.message).toContain('no token was given: set RUNMETER_TOKEN');
      const tooBig = await failure(new HttpSink(server.url, token).write(lossBatch('r2', 'agent', 1, 0, 10_000)));
      expect(tooBig).toMatchObject({ status: 413, retryable: false });
      expect(await store.getRun('r2')).toBeUndefined();
    });

    it('through a BatchQueue: a server down at first, then started, gets every batch exactly once', async () => {
      const store = backend.open(await backend.location());
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const sink = new HttpSink(url, undefined, { timeoutMs: 5000 });
      const warnings: string[] = [];
      const spool = new Spool([tempHome()], { runId: 'r3', producer: 'agent', location: sink.location, pid: process.pid, created: Date.now() });
      const queue = new BatchQueue(sink, { spool, warn: (m) => warnings.push(m), spoolFirst: true, retryMinMs: 50, retryMaxMs: 200 });
      const done = [1, 2, 3, 4, 5].map((seq) => queue.submit(lossBatch('r3', 'agent', seq, (seq - 1) * 100, seq * 100)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(queue.pending.batches).toBe(5);
      expect(warnings.join('\n')).toContain(`cannot write to ${url}`);
      server = await startTeam(store, { port });
      await Promise.all(done);
      const leftovers = await queue.close(5000);
      expect(leftovers).toMatchObject({ spooledPoints: 0, lostPoints: 0 });
      expect((await store.listSeries('r3')).map((s) => s.count)).toEqual([500]);
      const values: number[] = [];
      for await (const page of store.readPoints(((await store.listSeries('r3'))[0] as { id: number }).id)) values.push(...page.step);
      expect(values).toEqual(Array.from({ length: 500 }, (_, i) => i));
    });
  });
}

describe('HttpSink when the server cannot apply', () => {
  it('a server that is down: worth a retry, no status', async () => {
    const sink = new HttpSink(`http://127.0.0.1:${await freePort()}`, 'token');
    const error = await failure(sink.write(lossBatch('r', 'p', 1, 0, 10)));
    expect(error).toMatchObject({ code: 'E_SERVER_UNREACHABLE', status: undefined, retryable: true, retryAfterSeconds: undefined });
    expect(error?.message).toContain('ECONNREFUSED');
  });

  it("a server whose PostgreSQL is away: 503, worth a retry, with the server's Retry-After", async () => {
    const store = openStore(`postgres://postgres@127.0.0.1:${await freePort()}/none`, {}, { postgres: { connectTimeoutMs: 1000 } });
    server = await startTeam(store, { insecureNoAuth: true });
    const error = await failure(new HttpSink(server.url, undefined).write(lossBatch('r', 'p', 1, 0, 10)));
    expect(error).toMatchObject({ status: 503, retryable: true, retryAfterSeconds: 2 });
    await store.close();
  });

  it('a URL that is not http names what was expected', () => {
    expect(() => new HttpSink('ftp://runmeter.internal', undefined)).toThrow(
      'a runmeter server URL must start with http:// or https://, got "ftp://runmeter.internal"',
    );
    expect(() => new HttpSink('runmeter.internal:8080', undefined)).toThrow(/must start with http/);
  });
});
