import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/model/batch.js';
import { columnsOf } from '../../src/model/columns.js';
import type { NewRun } from '../../src/model/run.js';
import type { Store } from '../../src/store/store.js';
import { backendTitle, storeBackends } from './backends.js';

const backends = storeBackends();

const newRun = (id: string, overrides: Partial<NewRun> = {}): NewRun & { id: string } => ({
  id,
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

/** Points `from`..`to`-1 of a loss series and a step series, as a batch of seq `seq`. */
function pointsBatch(runId: string, seq: number, from: number, to: number): RecordBatch {
  const points = [];
  for (let i = from; i < to; i++) {
    points.push({ series: { name: 'loss', kind: 'training' as const, context: 'training' }, time: 10_000 + i, step: i, value: 1 / (i + 1) });
    points.push({ series: { name: 'lr', kind: 'training' as const }, time: 10_000 + i, step: i, value: i });
  }
  return { runId, producer: 'box/1/a', seq, series: columnsOf(points) };
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(backendTitle(backend, 'applyBatch'), () => {
    const newStore = async (location?: string): Promise<Store> => backend.open(location ?? (await backend.location()));

    it('creates the run with the first batch and applies a batch sent twice once', async () => {
      const store = await newStore();
      const first = { ...pointsBatch('r1', 1, 0, 100), run: newRun('r1'), params: { lr: 0.1 }, tags: ['sweep'] };
      expect(await store.applyBatch(first)).toEqual({ applied: true });
      expect(await store.applyBatch(first)).toEqual({ applied: false });
      expect(await store.applyBatch(pointsBatch('r1', 2, 100, 150))).toEqual({ applied: true });
      expect(await store.applyBatch(pointsBatch('r1', 2, 100, 150))).toEqual({ applied: false });
      const series = await store.listSeries('r1');
      expect(series.map((s) => [s.name, s.count])).toEqual([
        ['loss', 150],
        ['lr', 150],
      ]);
      const run = await store.getRun('r1');
      expect(run).toMatchObject({ status: 'running', params: { lr: 0.1 }, tags: ['sweep'] });
    });

    it('lets a second producer attach to the run without changing how it was created', async () => {
      const store = await newStore();
      await store.applyBatch({ runId: 'r2', producer: 'agent', seq: 1, run: newRun('r2', { name: 'first' }) });
      await store.applyBatch({ runId: 'r2', producer: 'python', seq: 1, run: newRun('r2', { name: 'second' }), params: { bs: 64 }, tags: ['a', 'a'] });
      await store.applyBatch({ runId: 'r2', producer: 'python', seq: 2, tags: ['a', 'b'] });
      expect(await store.getRun('r2')).toMatchObject({ name: 'first', params: { bs: 64 }, tags: ['a', 'b'] });
    });

    it('keeps a series unit, the cause of the end and a note', async () => {
      const store = await newStore();
      const step = { series: { name: 'step_time', kind: 'training' as const, unit: 'ms' }, time: 1, value: 45.67 };
      await store.applyBatch({ runId: 'r6', producer: 'p', seq: 1, run: newRun('r6'), series: columnsOf([step]) });
      await store.applyBatch({ runId: 'r6', producer: 'p', seq: 2, update: { status: 'failed', exitCode: 1, cause: 'ZeroDivisionError: division by zero' } });
      await store.updateRun('r6', { note: 'lr too high' });
      expect((await store.listSeries('r6'))[0]).toMatchObject({ name: 'step_time', unit: 'ms', last: 45.67 });
      expect(await store.getRun('r6')).toMatchObject({ status: 'failed', cause: 'ZeroDivisionError: division by zero', note: 'lr too high' });
    });

    it('keeps the energy a run used, as it was summarised', async () => {
      const store = await newStore();
      const energy = {
        joules: 7200,
        kwh: 0.002,
        estimatedJoules: 0,
        bySource: [{ source: 'gpu/0', joules: 7200, estimated: false }],
        joulesPerStep: 72,
        co2eGrams: 0.95,
        gridIntensity: { gramsPerKwh: 475, source: 'world average' },
      };
      await store.applyBatch({ runId: 'r7', producer: 'p', seq: 1, run: newRun('r7') });
      expect((await store.getRun('r7'))?.energy).toBeUndefined();
      await store.applyBatch({ runId: 'r7', producer: 'p', seq: 2, update: { status: 'succeeded', energy } });
      expect((await store.getRun('r7'))?.energy).toEqual(energy);
      expect((await store.listRuns()).find((run) => run.id === 'r7')?.energy).toEqual(energy);
    });

    it('applies a batch sent twice at the same moment, over two connections, once', async () => {
      const location = await backend.location();
      const [one, two] = [await newStore(location), await newStore(location)];
      await one.applyBatch({ ...pointsBatch('r7', 1, 0, 10), run: newRun('r7') });
      for (let seq = 2; seq <= 20; seq++) {
        const batch = pointsBatch('r7', seq, (seq - 1) * 10, seq * 10);
        const results = await Promise.all([one.applyBatch(batch), two.applyBatch(batch)]);
        expect(results.map((r) => r.applied).sort()).toEqual([false, true]);
      }
      expect((await one.listSeries('r7')).map((s) => s.count)).toEqual([200, 200]);
    });

    it('applies batches for many runs at once, each point once', async () => {
      const location = await backend.location();
      const stores = [await newStore(location), await newStore(location)];
      await Promise.all(
        Array.from({ length: 12 }, async (_, r) => {
          const store = stores[r % 2] as Store;
          for (let seq = 1; seq <= 8; seq++) {
            const batch = pointsBatch(`m${r}`, seq, (seq - 1) * 500, seq * 500);
            await store.applyBatch(seq === 1 ? { ...batch, run: newRun(`m${r}`) } : batch);
          }
        }),
      );
      for (let r = 0; r < 12; r++) {
        const series = await (stores[0] as Store).listSeries(`m${r}`);
        expect(series.map((s) => [s.name, s.count])).toEqual([
          ['loss', 4000],
          ['lr', 4000],
        ]);
        const values: number[] = [];
        for await (const chunk of (stores[1] as Store).readPoints((series[1] as { id: number }).id)) values.push(...chunk.value);
        expect(values).toEqual(Array.from({ length: 4000 }, (_, i) => i));
      }
    });

    it('refuses a batch for a run the store does not have, when the batch does not create it', async () => {
      const store = await newStore();
      await expect(store.applyBatch(pointsBatch('nope', 1, 0, 1))).rejects.toMatchObject({ code: 'E_RUN_NOT_FOUND' });
    });

    it('leaves the store and its memory as they were when a write fails inside the transaction, so the retry is exact', async () => {
      const home = await backend.location();
      const store = await newStore(home);
      await store.applyBatch({ runId: 'r3', producer: 'p', seq: 1, run: newRun('r3') });
      // Another connection makes every series update fail, as a full disk or an I/O error would, for a while.
      const printed = 3000;
      const perBatch = 30;
      let seq = 2;
      let refused = 0;
      let triggered = false;
      for (let from = 0; from < printed; from += perBatch) {
        const batch = pointsBatch('r3', seq++, from, from + perBatch);
        const failing = from >= 900 && from < 1800;
        if (failing && !triggered) await backend.exec(home, backend.failSeriesUpdates.on);
        if (!failing && triggered) await backend.exec(home, backend.failSeriesUpdates.off);
        triggered = failing;
        try {
          await store.applyBatch(batch);
          continue;
        } catch (error) {
          expect((error as Error).message).toContain('disk I/O error');
          refused++;
        }
        await backend.exec(home, backend.failSeriesUpdates.off);
        triggered = false;
        // The recorder sends the same batch again.
        expect(await store.applyBatch(batch)).toEqual({ applied: true });
      }
      expect(refused).toBe(30);
      const series = await store.listSeries('r3');
      expect(series.map((s) => [s.name, s.count])).toEqual([
        ['loss', printed],
        ['lr', printed],
      ]);
      const lr = series.find((s) => s.name === 'lr');
      const values: number[] = [];
      for await (const chunk of store.readPoints(lr?.id as number)) values.push(...chunk.value);
      expect(values).toEqual(Array.from({ length: printed }, (_, i) => i));
    });

    it('writes output bytes at their offsets, idempotently, and indexes them once', async () => {
      const store = await newStore();
      const piece = (offset: number, text: string, time: number) => ({
        stream: 'stdout' as const,
        offset,
        length: Buffer.byteLength(text),
        time,
        bytes: new Uint8Array(Buffer.from(text)),
      });
      const one: RecordBatch = { runId: 'r4', producer: 'p', seq: 1, run: newRun('r4'), output: [piece(0, 'hello\n', 1)] };
      const two: RecordBatch = { runId: 'r4', producer: 'p', seq: 2, output: [piece(6, 'world\n', 2)] };
      await store.applyBatch(one);
      await store.applyBatch(two);
      await store.applyBatch(one);
      await store.applyBatch(two);
      expect(Buffer.from(await store.readOutput('r4', 'stdout', 0, 100)).toString()).toBe('hello\nworld\n');
      expect(await store.outputChunks('r4')).toEqual([
        { stream: 'stdout', offset: 0, length: 6, time: 1 },
        { stream: 'stdout', offset: 6, length: 6, time: 2 },
      ]);
      expect(await store.outputSize('r4', 'stdout')).toBe(12);
      expect(Buffer.from(await store.readOutput('r4', 'stdout', 3, 6)).toString()).toBe('lo\nwor');
      const file = store.outputFile('r4', 'stdout');
      if (backend.name === 'sqlite') expect(fs.statSync(file as string).mode & 0o777).toBe(0o600);
      else expect(file).toBeUndefined();
    });

    it.runIf(backend.name === 'sqlite')('refuses to write output through a symbolic link planted where the file goes', async () => {
      const home = await backend.location();
      const store = await newStore(home);
      const target = path.join(home, 'victim.txt');
      fs.writeFileSync(target, 'keep me');
      const file = store.outputFile('r5', 'stdout') as string;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.symlinkSync(target, file);
      const batch: RecordBatch = {
        runId: 'r5',
        producer: 'p',
        seq: 1,
        run: newRun('r5'),
        output: [{ stream: 'stdout', offset: 0, length: 3, time: 1, bytes: new Uint8Array([0x61, 0x62, 0x63]) }],
      };
      await expect(store.applyBatch(batch)).rejects.toMatchObject({ code: 'ELOOP' });
      expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    });
  });
}
