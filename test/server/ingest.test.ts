import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../src/model/batch-codec.js';
import { postBatch, ServerSendError } from '../../src/record/http-client.js';
import type { TeamServer } from '../../src/server/index.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { freePort } from '../helpers/postgres.js';
import { backendTitle, storeBackends } from '../store/backends.js';
import { addToken, lossBatch, lossBatchBytes, rawRequest, startTeam } from './team-helpers.js';

const backends = storeBackends();
let server: TeamServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What a send failed with. */
const failure = (promise: Promise<unknown>) => promise.then(() => undefined).catch((error: unknown) => error as ServerSendError);

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(backendTitle(backend, 'runmeter server ingest'), () => {
    const newStore = async (): Promise<Store> => backend.open(await backend.location());

    it('applies a batch once however often it is sent, and serves what it stored', async () => {
      const store = await newStore();
      const token = await addToken(store, 'agent');
      server = await startTeam(store);
      for (let seq = 1; seq <= 5; seq++) {
        const bytes = lossBatchBytes('r1', 'node1/1', seq, (seq - 1) * 1000, seq * 1000);
        expect(await postBatch(server.url, token, bytes)).toEqual({ applied: true });
        expect(await postBatch(server.url, token, bytes)).toEqual({ applied: false });
      }
      const runs = JSON.parse((await rawRequest(`${server.url}/api/v1/runs`, { headers: { authorization: `Bearer ${token}` } })).body).runs;
      expect(runs.map((r: { id: string }) => r.id)).toEqual(['r1']);
      const [series] = await store.listSeries('r1');
      expect(series).toMatchObject({ name: 'loss', count: 5000, firstStep: 0, lastStep: 4999 });
    });

    it("streams a remote agent's points live to a signed-in dashboard", async () => {
      const store = await newStore();
      const token = await addToken(store, 'alice');
      server = await startTeam(store);
      expect(await postBatch(server.url, token, lossBatchBytes('live', 'agent', 1, 0, 10))).toEqual({ applied: true });
      const login = await rawRequest(`${server.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${encodeURIComponent(token)}`,
      });
      const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
      const response = await fetch(`${server.url}/api/v1/live?runs=live`, { headers: { cookie } });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      const seen = (async () => {
        while (!/event: points\ndata: .*"start":10/.test(text)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await postBatch(server.url, token, lossBatchBytes('live', 'agent', 2, 10, 15))).toEqual({ applied: true });
      await seen;
      await reader.cancel();
      const points = JSON.parse((/event: points\ndata: (.*)/.exec(text) as RegExpExecArray)[1] as string);
      expect(points).toMatchObject({ runId: 'live', start: 10 });
      expect(points.value).toEqual([1 / 11, 1 / 12, 1 / 13, 1 / 14, 1 / 15]);
    });

    it('answers a malformed batch with 400, a batch over the limit with 413, and neither is worth a retry', async () => {
      const store = await newStore();
      server = await startTeam(store, { limits: { maxBodyBytes: 64 * 1024 } });
      const bad = await failure(postBatch(server.url, undefined, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])));
      expect(bad).toMatchObject({ status: 400, retryable: false });
      expect(bad?.message).toMatch(/refused a batch: 400 .*"RMB1"/);
      const big = await failure(postBatch(server.url, undefined, lossBatchBytes('r2', 'p', 1, 0, 5000)));
      expect(big).toMatchObject({ status: 413, retryable: false });
      const unknownRun = await failure(postBatch(server.url, undefined, encodeBatch({ ...lossBatch('nope', 'p', 2, 0, 1) })));
      expect(unknownRun).toMatchObject({ status: 404, retryable: false });
      expect(await store.listRuns()).toEqual([]);
    });
  });
}

describe('postBatch', () => {
  it('says a server that is not there is unreachable, and worth a retry', async () => {
    const port = await freePort();
    const error = await failure(postBatch(`http://127.0.0.1:${port}`, 'rmt_x', lossBatchBytes('r', 'p', 1, 0, 1)));
    expect(error).toBeInstanceOf(ServerSendError);
    expect(error).toMatchObject({ code: 'E_SERVER_UNREACHABLE', status: undefined, retryable: true });
    expect(error?.message).toContain('ECONNREFUSED');
  });
});

const postgres = backends.find((b) => b.name === 'postgres');
describe.skipIf(postgres?.skip !== undefined)('runmeter server under load and faults (postgres)', () => {
  /** Holds the row of run `id` locked from another connection, so applies to it wait, until `release()`. */
  async function lockRun(location: string, id: string): Promise<{ release(): Promise<void> }> {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM runs WHERE id = $1 FOR UPDATE', [id]);
    return {
      async release() {
        await client.query('COMMIT');
        await client.end();
      },
    };
  }

  it('tells agents to come back later (503, 429 with Retry-After) when applies queue up or memory is spent', async () => {
    const location = await (postgres as NonNullable<typeof postgres>).location();
    const store = (postgres as NonNullable<typeof postgres>).open(location);
    const first = lossBatchBytes('busy', 'p', 1, 0, 100);
    server = await startTeam(store, { limits: { concurrentApplies: 1, queueWaitMs: 300, memoryBytes: 5 * first.byteLength } });
    expect(await postBatch(server.url, undefined, first)).toEqual({ applied: true });
    const lock = await lockRun(location, 'busy');
    const held = postBatch(server.url, undefined, lossBatchBytes('busy', 'p', 2, 100, 200));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The one apply slot is taken: the next waits 300 ms in line, then hears 503.
    const queued = await failure(postBatch(server.url, undefined, lossBatchBytes('busy', 'q', 1, 0, 100)));
    expect(queued).toMatchObject({ status: 503, retryable: true, retryAfterSeconds: 2 });
    // Two held batches (4x a body) leave no room for a third in a 5x budget.
    const waiting = postBatch(server.url, undefined, lossBatchBytes('busy', 'q', 1, 0, 100));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await failure(postBatch(server.url, undefined, lossBatchBytes('busy', 'r', 1, 0, 100)));
    expect(refused).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 1 });
    await lock.release();
    expect(await held).toEqual({ applied: true });
    // The batch in line gets the turn as soon as the held one is done.
    expect(await waiting).toEqual({ applied: true });
    expect((await store.listSeries('busy')).map((s) => s.count)).toEqual([300]);
  });

  it('stores once a batch whose answer the agent never got (timed out after the server applied it) and sent again', async () => {
    const location = await (postgres as NonNullable<typeof postgres>).location();
    const store = (postgres as NonNullable<typeof postgres>).open(location);
    server = await startTeam(store);
    expect(await postBatch(server.url, undefined, lossBatchBytes('slow', 'p', 1, 0, 500))).toEqual({ applied: true });
    const lock = await lockRun(location, 'slow');
    const second = lossBatchBytes('slow', 'p', 2, 500, 1000);
    const timedOut = await failure(postBatch(server.url, undefined, second, { timeoutMs: 200 }));
    expect(timedOut).toMatchObject({ code: 'E_SERVER_UNREACHABLE', retryable: true });
    expect(timedOut?.message).toContain('no answer within 200 ms');
    // The server goes on with the request the agent gave up on, and applies it once the lock goes.
    await lock.release();
    const observer = openStore(location, {});
    await expect.poll(async () => (await observer.listSeries('slow'))[0]?.count, { timeout: 5000 }).toBe(1000);
    await observer.close();
    expect(await postBatch(server.url, undefined, second)).toEqual({ applied: false });
    const values: number[] = [];
    for await (const chunk of store.readPoints(((await store.listSeries('slow'))[0] as { id: number }).id)) values.push(...chunk.value);
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => 1 / (i + 1)));
  });

  it('answers 503 with Retry-After while PostgreSQL cannot be reached, and the agent hears it is worth a retry', async () => {
    const store = openStore(`postgres://postgres@127.0.0.1:${await freePort()}/none`, {}, { postgres: { connectTimeoutMs: 1000 } });
    server = await startTeam(store, { insecureNoAuth: true });
    const error = await failure(postBatch(server.url, undefined, lossBatchBytes('r', 'p', 1, 0, 10)));
    expect(error).toMatchObject({ status: 503, retryable: true, retryAfterSeconds: 2 });
    expect(error?.message).toContain('is unavailable');
    const read = await rawRequest(`${server.url}/api/v1/runs`);
    expect(read.status).toBe(503);
    expect(read.headers['retry-after']).toBe('2');
    await store.close();
  });
});
