import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postBatch, type ServerSendError } from '../../src/record/http-client.js';
import type { TeamServer } from '../../src/server/index.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { root, startCli, tempHome } from '../helpers/cli.js';
import { freePort, postgresDatabase, postgresSkipReason, privateCluster, privateClusterSkipReason, requirePostgres } from '../helpers/postgres.js';
import { lossBatchBytes, startTeam } from './team-helpers.js';

requirePostgres();
const database = postgresDatabase();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every value of every series of a run, by series name. */
async function storedValues(store: Store, runId: string): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const series of await store.listSeries(runId)) {
    const values: number[] = [];
    for await (const chunk of store.readPoints(series.id)) values.push(...chunk.value);
    out[series.name] = values;
  }
  return out;
}

/** Sends batches in order, each until acknowledged, as the remote sink does; counts the tries that failed. */
async function ship(url: string, runId: string, batches: number, perBatch: number, failures: ServerSendError[]): Promise<void> {
  for (let seq = 1; seq <= batches; seq++) {
    const bytes = lossBatchBytes(runId, `agent/${runId}`, seq, (seq - 1) * perBatch, seq * perBatch);
    for (;;) {
      try {
        await postBatch(url, undefined, bytes, { timeoutMs: 10_000 });
        break;
      } catch (error) {
        const failure = error as ServerSendError;
        if (!failure.retryable) throw failure;
        failures.push(failure);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}

describe.skipIf(postgresSkipReason !== undefined || privateClusterSkipReason !== undefined)(
  `runmeter server: PostgreSQL restarted under it${privateClusterSkipReason ? ` [skipped: ${privateClusterSkipReason}]` : ''}`,
  () => {
    it('fails the batches in flight with a retryable status, then applies every one exactly once', async () => {
      const cluster = await privateCluster();
      cleanups.push(() => cluster.destroy());
      const store = openStore(cluster.url, {}, { postgres: { connectTimeoutMs: 2000 } });
      cleanups.push(() => store.close());
      const server: TeamServer = await startTeam(store, { insecureNoAuth: true });
      cleanups.push(() => server.close());
      const failures: ServerSendError[] = [];
      const runIds = ['r1', 'r2', 'r3', 'r4'];
      const shipping = Promise.all(runIds.map((runId) => ship(server.url, runId, 60, 200, failures)));
      await expect.poll(async () => (await store.listSeries('r1').catch(() => []))[0]?.count ?? 0, { timeout: 10_000 }).toBeGreaterThan(1000);
      await cluster.restart();
      await shipping;
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) expect([failure.status, failure.retryable]).toEqual([503, true]);
      for (const runId of runIds) {
        expect((await storedValues(store, runId)).loss).toEqual(Array.from({ length: 12_000 }, (_, i) => 1 / (i + 1)));
      }
    });
  },
);

describe.skipIf(postgresSkipReason !== undefined)(
  `runmeter server: SIGKILLed mid-ingest${postgresSkipReason ? ` [skipped: ${postgresSkipReason}]` : ''}`,
  () => {
    /** Starts `runmeter server` (the real binary) on a port; resolves once it listens. */
    async function serve(storeUrl: string, port: number): Promise<ChildProcess> {
      const server = startCli(['server', '--store', storeUrl, '--port', String(port)], { home: tempHome() });
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        server.child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('server at http://')) resolve();
        });
        server.child.on('exit', () => reject(new Error(`runmeter server exited: ${stderr}`)));
      });
      return server.child;
    }

    it('applies the batches its agents send again after a restart exactly once', async () => {
      const storeUrl = await database.schema();
      const port = await freePort();
      let server = await serve(storeUrl, port);
      cleanups.push(() => {
        server.kill('SIGKILL');
      });
      const runners = ['k1', 'k2', 'k3'].map((runId) => {
        const child = spawn(process.execPath, [path.join(root, 'test/fixtures/server-runner.mjs'), `http://127.0.0.1:${port}`, runId, '40000', '500', '2'], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        return new Promise<{ code: number | null; report: { retries: number } }>((resolve) =>
          child.on('close', (code) => resolve({ code, report: JSON.parse(out || '{}') })),
        );
      });
      const store = openStore(storeUrl, {});
      cleanups.push(() => store.close());
      await expect.poll(async () => (await store.listSeries('k1'))[0]?.count ?? 0, { timeout: 15_000, interval: 20 }).toBeGreaterThan(2000);
      server.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      server = await serve(storeUrl, port);
      const results = await Promise.all(runners);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      expect(results.some((r) => r.report.retries > 0)).toBe(true);
      for (const runId of ['k1', 'k2', 'k3']) {
        const values = await storedValues(store, runId);
        // Two series, each batch 500 points of each, 40,000 points in all.
        const expected = (s: number) => Array.from({ length: 40 }, (_, b) => Array.from({ length: 500 }, (_, i) => b * 1000 + s * 500 + i)).flat();
        expect(values.metric0).toEqual(expected(0));
        expect(values.metric1).toEqual(expected(1));
      }
    }, 60_000);
  },
);
