import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResult, RecordBatch } from '../../src/model/batch.js';
import { columnsOf } from '../../src/model/columns.js';
import { BatchQueue } from '../../src/record/batch-queue.js';
import { type PointSink, StoreSink } from '../../src/record/sink.js';
import { listBatches, Spool } from '../../src/record/spool.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { openSqlite } from '../faults/helpers.js';
import { tempHome } from '../helpers/cli.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => {});
});
const run = { id: 'q1', name: 'queued', command: ['x'], cwd: '/tmp', host: 'box', user: 'ada', startTime: 1_000, version: '0', source: 'run' as const };
/** Batch `seq` holds points (seq-1)*10 .. seq*10-1 of `loss`; the first one creates the run. */
const batch = (seq: number): RecordBatch => {
  const points = [];
  for (let i = (seq - 1) * 10; i < seq * 10; i++) points.push({ series: { name: 'loss', kind: 'training' as const }, time: 2_000 + i, step: i, value: i });
  return { runId: 'q1', producer: 'test/1', seq, series: columnsOf(points), ...(seq === 1 ? { run } : {}) };
};
const setup = () => {
  const home = tempHome();
  const store = openStore(home, {});
  stores.push(store);
  const warnings: string[] = [];
  const spool = new Spool([path.join(home, 'spool')], { runId: 'q1', producer: 'test/1', location: home, pid: process.pid, created: 0 });
  return { home, store, warnings, spool, warn: (m: string) => warnings.push(m) };
};
const storedValues = async (store: Store): Promise<number[]> => {
  const loss = (await store.listSeries('q1')).find((s) => s.name === 'loss');
  const values: number[] = [];
  if (loss !== undefined) for await (const chunk of store.readPoints(loss.id)) values.push(...chunk.value);
  return values;
};
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A real store behind a sink whose every `nth` write fails before reaching it, recording the seqs it applied. */
class FlakySink implements PointSink {
  readonly location: string;
  readonly applied: number[] = [];
  private writes = 0;
  constructor(
    private readonly inner: StoreSink,
    private readonly nth: number,
  ) {
    this.location = inner.location;
  }
  async write(b: RecordBatch): Promise<BatchResult> {
    if (++this.writes % this.nth === 0) throw new Error('injected failure');
    const result = await this.inner.write(b);
    if (result.applied) this.applied.push(b.seq);
    return result;
  }
  outputFile() {
    return undefined;
  }
  close() {
    return this.inner.close();
  }
}

describe('BatchQueue', () => {
  it('applies batches in order, each once, when every third write fails', async () => {
    const { store, spool, warn } = setup();
    const sink = new FlakySink(new StoreSink(store, false), 3);
    const queue = new BatchQueue(sink, { spool, warn, retryMinMs: 1, retryMaxMs: 5 });
    await Promise.all(range(30).map((i) => queue.submit(batch(i + 1))));
    expect(sink.applied).toEqual(range(30).map((i) => i + 1));
    expect(await storedValues(store)).toEqual(range(300));
    expect((await queue.close(100)).spooledPoints).toBe(0);
  });

  it('stores exactly what was submitted when the real store fails inside its transaction for a while', async () => {
    const { home, store, spool, warn, warnings } = setup();
    const queue = new BatchQueue(new StoreSink(store, false), { spool, warn, retryMinMs: 5, retryMaxMs: 20 });
    await queue.submit(batch(1));
    const other = openSqlite(path.join(home, 'runmeter.db'));
    other.exec("CREATE TRIGGER fail BEFORE UPDATE ON series BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    const rest = range(39).map((i) => queue.submit(batch(i + 2)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(queue.pending.batches).toBeGreaterThan(0); // the fault is real: nothing got through meanwhile
    other.exec('DROP TRIGGER fail');
    other.close();
    await Promise.all(rest);
    expect(await storedValues(store)).toEqual(range(400));
    expect(warnings.join('\n')).toContain('disk I/O error');
  });

  it('spills to the spool at its memory bound, and close spools what is left', async () => {
    const { spool, warn } = setup();
    const refusing: PointSink = { location: 'down', write: () => Promise.reject(new Error('down')), outputFile: () => undefined, close: async () => {} };
    const queue = new BatchQueue(refusing, { spool, warn, memoryBytes: 4_000, retryMinMs: 50, retryMaxMs: 50 });
    for (let seq = 1; seq <= 20; seq++) void queue.submit(batch(seq));
    // Each batch is about 830 bytes by the queue's estimate: most of 20 cannot stay in 4,000 bytes.
    expect(listBatches(spool.folder as string).length).toBeGreaterThan(10);
    const left = await queue.close(100);
    expect(left).toMatchObject({ spooledPoints: 200, lostPoints: 0 });
    expect(listBatches(left.spoolDir as string)).toHaveLength(20);
    expect(fs.statSync(left.spoolDir as string).mode & 0o777).toBe(0o700);
  });

  it('waits as long as a sink asks with Retry-After', async () => {
    const { store, spool, warn } = setup();
    const inner = new StoreSink(store, false);
    const attempts: number[] = [];
    const sink: PointSink = {
      location: 'server',
      write: (b) => {
        attempts.push(Date.now());
        if (attempts.length === 1) return Promise.reject(Object.assign(new Error('503'), { retryAfterSeconds: 1 }));
        return inner.write(b);
      },
      outputFile: () => undefined,
      close: async () => {},
    };
    const queue = new BatchQueue(sink, { spool, warn, retryMinMs: 1, retryMaxMs: 5_000 });
    await queue.submit(batch(1));
    expect(attempts).toHaveLength(2);
    expect((attempts[1] as number) - (attempts[0] as number)).toBeGreaterThanOrEqual(950);
    expect(await storedValues(store)).toEqual(range(10));
  });
});
