import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../src/model/point.js';
import type { NewRun } from '../../src/model/run.js';
import { CHUNK_SIZE } from '../../src/store/chunk-codec.js';
import { openStore } from '../../src/store/open.js';
import { openDatabase } from '../../src/store/sqlite/database-file.js';
import type { Store } from '../../src/store/store.js';
import { backendTitle, storeBackends } from './backends.js';

const backends = storeBackends();

const baseRun = (overrides: Partial<NewRun> = {}): NewRun => ({
  name: 'train.py',
  command: ['python', 'train.py'],
  cwd: '/tmp',
  host: 'box',
  user: 'ada',
  startTime: 1_000,
  version: '0.0.0',
  source: 'run',
  ...overrides,
});

const loss = (time: number, value: number, step?: number): SeriesPoint => ({
  series: { name: 'loss', kind: 'training', context: 'training' },
  time,
  value,
  ...(step === undefined ? {} : { step }),
});

async function collect(store: Store, seriesId: number, from = 0) {
  const values: number[] = [];
  const steps: number[] = [];
  for await (const batch of store.readPoints(seriesId, from)) {
    values.push(...batch.value);
    steps.push(...batch.step);
  }
  return { values, steps };
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(backendTitle(backend, 'Store'), () => {
    const newStore = async (location?: string): Promise<Store> => backend.open(location ?? (await backend.location()));

    it('keeps NaN and ±Infinity exactly, in points and in the series summary', async () => {
      const store = await newStore();
      const run = await store.createRun(baseRun());
      await store.appendPoints(run.id, [
        loss(1, 0.5, 1),
        loss(2, Number.NaN, 2),
        loss(3, Number.POSITIVE_INFINITY, 3),
        loss(4, Number.NEGATIVE_INFINITY, 4),
        loss(5, Number.NaN, 5),
      ]);
      const [series] = await store.listSeries(run.id);
      expect(series).toMatchObject({ name: 'loss', count: 5, min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY, firstStep: 1, lastStep: 5 });
      expect(series?.last).toBeNaN();
      const { values } = await collect(store, series?.id as number);
      expect(values).toEqual([0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]);
    });

    it('keeps full double precision', async () => {
      const store = await newStore();
      const run = await store.createRun(baseRun());
      const precise = 0.1 + 0.2;
      await store.appendPoints(run.id, [loss(1, precise, 1), loss(2, 2.301626443862915, 2)]);
      const [series] = await store.listSeries(run.id);
      expect((await collect(store, series?.id as number)).values).toEqual([precise, 2.301626443862915]);
    });

    it('appends across chunk boundaries in many small batches without losing or repeating a point', async () => {
      const store = await newStore();
      const run = await store.createRun(baseRun());
      const total = CHUNK_SIZE * 2 + 123;
      for (let i = 0; i < total; i += 97) {
        const batch: SeriesPoint[] = [];
        for (let j = i; j < Math.min(total, i + 97); j++) batch.push(loss(j, j * 2, j));
        await store.appendPoints(run.id, batch);
      }
      const [series] = await store.listSeries(run.id);
      expect(series).toMatchObject({ count: total, min: 0, max: (total - 1) * 2, last: (total - 1) * 2, firstStep: 0, lastStep: total - 1 });
      const { values } = await collect(store, series?.id as number);
      expect(values).toEqual(Array.from({ length: total }, (_, i) => i * 2));
      const tail = await collect(store, series?.id as number, total - 5);
      expect(tail.steps).toEqual([total - 5, total - 4, total - 3, total - 2, total - 1]);
    });

    it.skipIf(backend.name !== 'sqlite')('stores the open chunk as parts, a batch its own points, folded every 16 batches and when full (SQLite)', async () => {
      const home = await backend.location();
      const first = await newStore(home);
      const run = await first.createRun(baseRun());
      const count = async (table: string) => {
        const db = openDatabase(path.join(home, 'runmeter.db'), true);
        try {
          return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
        } finally {
          db.close();
        }
      };
      let next = 0;
      const append = async (store: Store, n: number) => {
        await store.appendPoints(
          run.id,
          Array.from({ length: n }, () => loss(next, next * 3, next++)),
        );
      };
      for (let i = 0; i < 5; i++) await append(first, 10);
      expect([await count('chunk_parts'), await count('chunk_points')]).toEqual([5, 0]);
      // Another writer (a reopened store) reads the parts back and numbers its own after them.
      const second = await newStore(home);
      for (let i = 0; i < 11; i++) await append(second, 10);
      expect([await count('chunk_parts'), await count('chunk_points')]).toEqual([16, 0]);
      await append(second, 10);
      expect([await count('chunk_parts'), await count('chunk_points')]).toEqual([0, 1]);
      await append(second, CHUNK_SIZE - next + 5);
      expect(await count('chunk_parts')).toBe(1);
      const [series] = await second.listSeries(run.id);
      expect(series?.count).toBe(CHUNK_SIZE + 5);
      expect((await collect(second, series?.id as number)).values).toEqual(Array.from({ length: CHUNK_SIZE + 5 }, (_, i) => i * 3));
      const raw = await second.querySeries(series?.id as number, { x: 'step', from: CHUNK_SIZE - 2, to: CHUNK_SIZE + 10, buckets: 100 });
      expect(raw.max).toEqual([CHUNK_SIZE - 2, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, CHUNK_SIZE + 2, CHUNK_SIZE + 3, CHUNK_SIZE + 4].map((i) => i * 3));
    });

    it('appends batches larger than a chunk that overflow the open one: every point once, in order, summaries exact', async () => {
      const store = await newStore();
      const run = await store.createRun(baseRun());
      // 5,000-point batches leave open chunks of every fill, some a quarter full or more (left short), some less (filled).
      const total = 5000 * 7 + 321;
      for (let from = 0; from < total; from += 5000) {
        const n = Math.min(5000, total - from);
        const time = Float64Array.from({ length: n }, (_, i) => from + i);
        const value = Float64Array.from({ length: n }, (_, i) => (from + i === 20_000 ? 1e9 : from + i));
        await store.appendColumns(run.id, [{ series: loss(0, 0).series, n, time, step: time, epoch: new Float64Array(n).fill(Number.NaN), value }]);
      }
      const [series] = await store.listSeries(run.id);
      expect(series).toMatchObject({ count: total, min: 0, max: 1e9, last: total - 1, firstStep: 0, lastStep: total - 1 });
      const { values, steps } = await collect(store, series?.id as number);
      expect(steps).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(values).toEqual(Array.from({ length: total }, (_, i) => (i === 20_000 ? 1e9 : i)));
      expect((await collect(store, series?.id as number, 9999)).steps.slice(0, 2)).toEqual([9999, 10_000]);
      const data = await store.querySeries(series?.id as number, { x: 'step', buckets: 10 });
      expect(data.count.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...data.max)).toBe(1e9);
    });

    it('picks up a series whose writer stopped between a full chunk and its summary', async () => {
      const home = await backend.location();
      const first = await newStore(home);
      const run = await first.createRun(baseRun());
      await first.appendPoints(run.id, [loss(0, 0, 0)]);
      await first.appendPoints(
        run.id,
        Array.from({ length: CHUNK_SIZE - 1 }, (_, j) => loss(j + 1, j + 1, j + 1)),
      );
      // As a writer that died between writing the full chunk and updating the series row leaves it.
      await backend.exec(home, 'UPDATE series SET count = 1');
      const second = await newStore(home);
      await second.appendPoints(run.id, [loss(CHUNK_SIZE, -1, CHUNK_SIZE)]);
      const [series] = await second.listSeries(run.id);
      expect(series?.count).toBe(CHUNK_SIZE + 1);
      const { values } = await collect(second, series?.id as number);
      expect(values).toEqual([...Array.from({ length: CHUNK_SIZE }, (_, j) => j), -1]);
    });

    it('appends columns from producers that make a new key object per point, in order', async () => {
      const store = await newStore();
      const run = await store.createRun(baseRun());
      const points = Array.from({ length: 10 }, (_, j) => ({ ...loss(j, j, j), series: { name: j % 2 ? 'loss' : 'acc', kind: 'training' as const } }));
      await store.appendPoints(run.id, points);
      const series = await store.listSeries(run.id);
      expect(series.map((s) => [s.name, s.count])).toEqual([
        ['acc', 5],
        ['loss', 5],
      ]);
      const lossSeries = series.find((s) => s.name === 'loss');
      expect((await collect(store, lossSeries?.id as number)).values).toEqual([1, 3, 5, 7, 9]);
    });

    it('lets two writers append to the same series without losing points', async () => {
      const home = await backend.location();
      const first = await newStore(home);
      const second = await newStore(home);
      const run = await first.createRun(baseRun());
      for (let i = 0; i < 50; i++) {
        await first.appendPoints(run.id, [loss(i * 2, i * 2)]);
        await second.appendPoints(run.id, [loss(i * 2 + 1, i * 2 + 1)]);
      }
      const [series] = await first.listSeries(run.id);
      expect(series?.count).toBe(100);
      expect((await collect(first, series?.id as number)).values).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });

    it('answers a query with at most the buckets asked for, keeping each bucket min and max', async () => {
      const store = await newStore();
      const run = await store.createRun(baseRun());
      const points: SeriesPoint[] = [];
      for (let i = 0; i < 10_000; i++) points.push(loss(i, i === 5_000 ? 1_000 : Math.sin(i / 100), i));
      await store.appendPoints(run.id, points);
      const [series] = await store.listSeries(run.id);
      const data = await store.querySeries(series?.id as number, { x: 'step', buckets: 100 });
      expect(data.resolution).toBe('raw');
      expect(data.xs.length).toBeLessThanOrEqual(100);
      expect(data.total).toBe(10_000);
      expect(Math.max(...data.max)).toBe(1_000);
      expect(data.count.reduce((a, b) => a + b, 0)).toBe(10_000);
      expect([...data.xs].sort((a, b) => a - b)).toEqual(data.xs);

      const zoomed = await store.querySeries(series?.id as number, { x: 'step', from: 4_990, to: 5_010, buckets: 100 });
      expect(zoomed.xs).toEqual(Array.from({ length: 21 }, (_, i) => 4_990 + i));
      expect(zoomed.last[10]).toBe(1_000);
    });

    it('answers zoomed-out queries on long series from block summaries, still keeping the spike', async () => {
      const store = await newStore();
      const run = await store.createRun(baseRun());
      const n = 600_000;
      for (let start = 0; start < n; start += 100_000) {
        const batch: SeriesPoint[] = [];
        for (let i = start; i < start + 100_000; i++) batch.push(loss(i, i === 333_333 ? -50 : 1, i));
        await store.appendPoints(run.id, batch);
      }
      const [series] = await store.listSeries(run.id);
      const data = await store.querySeries(series?.id as number, { x: 'time', buckets: 500 });
      expect(data.resolution).toBe('block');
      expect(data.xs.length).toBeLessThanOrEqual(500);
      expect(Math.min(...data.min)).toBe(-50);
      expect(data.total).toBe(n);
    });

    it('queries by epoch and skips points without one', async () => {
      const store = await newStore();
      const run = await store.createRun(baseRun());
      await store.appendPoints(run.id, [{ ...loss(1, 0.9), epoch: 1 }, loss(2, 0.8), { ...loss(3, 0.7), epoch: 2 }]);
      const [series] = await store.listSeries(run.id);
      const data = await store.querySeries(series?.id as number, { x: 'epoch', buckets: 10 });
      expect(data.xs).toEqual([1, 2]);
      expect(data.last).toEqual([0.9, 0.7]);
    });

    it('resolves a run by id, unique prefix, name (newest) and last, and names the closest on a miss', async () => {
      const store = await newStore();
      const older = await store.createRun(baseRun({ id: 'abc11111', name: 'mnist', startTime: 1 }));
      const newer = await store.createRun(baseRun({ id: 'abd22222', name: 'mnist', startTime: 2 }));
      const other = await store.createRun(baseRun({ id: 'zzz33333', name: 'cifar10', startTime: 3 }));
      expect((await store.resolveRun('abc11111')).id).toBe(older.id);
      expect((await store.resolveRun('abc')).id).toBe(older.id);
      expect((await store.resolveRun('mnist')).id).toBe(newer.id);
      expect((await store.resolveRun('last')).id).toBe(other.id);
      await expect(store.resolveRun('ab')).rejects.toThrow(/ambiguous.*abc11111.*abd22222/);
      await expect(store.resolveRun('mnsit')).rejects.toThrow(/closest names: mnist/);
    });

    it('lists runs newest first, filtered by status and text', async () => {
      const store = await newStore();
      await store.createRun(baseRun({ name: 'a', startTime: 1, status: 'succeeded' }));
      await store.createRun(baseRun({ name: 'b', startTime: 3, status: 'failed' }));
      await store.createRun(baseRun({ name: 'c_50%', startTime: 2, status: 'failed' }));
      expect((await store.listRuns()).map((r) => r.name)).toEqual(['b', 'c_50%', 'a']);
      expect((await store.listRuns({ status: 'failed' })).map((r) => r.name)).toEqual(['b', 'c_50%']);
      expect((await store.listRuns({ text: '50%' })).map((r) => r.name)).toEqual(['c_50%']);
      expect((await store.listRuns({ limit: 1 })).map((r) => r.name)).toEqual(['b']);
    });

    it('keeps output byte-exact with its arrival index', async () => {
      const store = await newStore();
      const run = await store.createRun(baseRun());
      const junk = Buffer.from([0, 255, 13, 10, 27, 91, 65, 195, 40]);
      await store.appendOutput(run.id, 'stdout', junk, 10);
      await store.appendOutput(run.id, 'stderr', Buffer.from('err'), 11);
      await store.appendOutput(run.id, 'stdout', Buffer.from('more'), 12);
      expect(Buffer.from(await store.readOutput(run.id, 'stdout', 0, 100))).toEqual(Buffer.concat([junk, Buffer.from('more')]));
      expect(await store.outputChunks(run.id)).toEqual([
        { stream: 'stdout', offset: 0, length: 9, time: 10 },
        { stream: 'stderr', offset: 0, length: 3, time: 11 },
        { stream: 'stdout', offset: 9, length: 4, time: 12 },
      ]);
    });

    it('deletes runs with their points and output, and gives the space back', async () => {
      const home = await backend.location();
      const store = await newStore(home);
      const keep = await store.createRun(baseRun({ name: 'keep' }));
      const drop = await store.createRun(baseRun({ name: 'drop' }));
      const points: SeriesPoint[] = [];
      for (let i = 0; i < 200_000; i++) points.push(loss(i, Math.random(), i));
      await store.appendPoints(drop.id, points);
      await store.appendPoints(keep.id, points.slice(0, 10));
      await store.appendOutput(drop.id, 'stdout', Buffer.alloc(10_000, 65), 1);
      const dbFile = path.join(home, 'runmeter.db');
      await store.close();
      const before = backend.name === 'sqlite' ? fs.statSync(dbFile).size : 0;
      const reopened = await newStore(home);
      const [dropped] = await reopened.listSeries(drop.id);
      const freed = await reopened.deleteRuns([drop.id]);
      expect(freed).toBeGreaterThan(1_000_000);
      expect(await reopened.getRun(drop.id)).toBeUndefined();
      expect(await reopened.listSeries(drop.id)).toEqual([]);
      expect(await reopened.outputSize(drop.id, 'stdout')).toBe(0);
      expect(await collect(reopened, dropped?.id as number)).toEqual({ values: [], steps: [] });
      expect((await reopened.listSeries(keep.id))[0]?.count).toBe(10);
      if (backend.name === 'sqlite') {
        // PostgreSQL keeps freed pages for reuse (autovacuum); SQLite gives them back to the disk.
        expect(fs.statSync(dbFile).size).toBeLessThan(before / 2);
        expect(fs.existsSync(path.join(home, 'runs', drop.id))).toBe(false);
      }
    });

    it('marks running runs whose agent is gone as lost', async () => {
      const store = await newStore();
      const alive = await store.createRun(baseRun({ name: 'alive', agentPid: 1 }));
      const gone = await store.createRun(baseRun({ name: 'gone', agentPid: 2 }));
      await store.createRun(baseRun({ name: 'elsewhere', agentPid: 2, host: 'other' }));
      const lost = await store.markLostRuns('box', (pid) => pid === 1);
      expect(lost.map((r) => r.name)).toEqual(['gone']);
      expect((await store.getRun(gone.id))?.status).toBe('lost');
      expect((await store.getRun(alive.id))?.status).toBe('running');
    });

    it('reports which runs changed since a version', async () => {
      const store = await newStore();
      const a = await store.createRun(baseRun());
      const { version } = await store.changes(0);
      const b = await store.createRun(baseRun());
      await store.appendPoints(b.id, [loss(1, 1)]);
      const later = await store.changes(version);
      expect(later.runIds).toContain(b.id);
      if (backend.name === 'sqlite') {
        expect(later.runIds).toEqual([b.id]);
        expect(later.version).toBeGreaterThan(version);
      } else {
        // PostgreSQL's version is the oldest transaction still open in the cluster (pg_snapshot_xmin): while another
        // client's transaction is open (other test files share the cluster), it holds the version back, and a run
        // changed before that may be listed again. Never missed: listed twice is the contract under concurrency.
        expect(later.version).toBeGreaterThanOrEqual(version);
        expect(later.runIds.every((id) => id === a.id || id === b.id)).toBe(true);
      }
    });

    it('keeps API tokens by name and hash, refuses a second token of a name, and forgets a revoked one', async () => {
      const store = await newStore();
      await store.addToken('alice', 'a'.repeat(64), 5);
      await store.addToken('bob', 'b'.repeat(64), 6);
      await expect(store.addToken('alice', 'c'.repeat(64), 7)).rejects.toMatchObject({ code: 'E_TOKEN_EXISTS' });
      expect(await store.listTokens()).toEqual([
        { name: 'alice', hash: 'a'.repeat(64), createdAt: 5 },
        { name: 'bob', hash: 'b'.repeat(64), createdAt: 6 },
      ]);
      expect(await store.revokeToken('alice')).toBe(true);
      expect(await store.revokeToken('alice')).toBe(false);
      expect((await store.listTokens()).map((t) => t.name)).toEqual(['bob']);
    });
  });
}

describe('openStore', () => {
  it('opens a PostgreSQL store without connecting, and names the URL without its password when it cannot connect', async () => {
    const store = openStore('postgres://ada:secret@127.0.0.1:1/runs', {});
    expect(store.location).toBe('postgres://ada:***@127.0.0.1:1/runs');
    expect(store.outputFile('r', 'stdout')).toBeUndefined();
    const failure = await store.listRuns().catch((error: unknown) => error as Error & { code: string });
    expect(failure).toMatchObject({ code: 'E_STORE_UNAVAILABLE' });
    expect(String((failure as Error).message)).toMatch(/store at postgres:\/\/ada:\*\*\*@127\.0\.0\.1:1\/runs is unavailable/);
    expect(String((failure as Error).message)).not.toContain('secret');
    await store.close();
  });
});
