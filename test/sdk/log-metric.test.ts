import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/model/errors.js';
import { Context, type Run, startRun } from '../../src/sdk/index.js';
import { openDatabase } from '../../src/store/sqlite/database-file.js';
import type { Store } from '../../src/store/store.js';
import { findSeries, readSeries, reopen, tempStoreDir } from './helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

async function fixture(options: { synchronous?: boolean; flushPoints?: number; flushIntervalMs?: number } = {}): Promise<{ run: Run; store: Store }> {
  const dir = tempStoreDir();
  const run = await startRun({ name: 'metrics', store: dir, env: {}, flushIntervalMs: 60_000, ...options });
  const store = reopen(dir);
  cleanup.push(async () => {
    await run.end();
    await store.close();
  });
  return { run, store };
}

describe('logMetric', () => {
  it('records values with their context, step, epoch and time, NaN and ±Infinity included', async () => {
    const { run, store } = await fixture();
    const before = Date.now();
    run.logMetric('loss', 0.5, { context: Context.TRAINING, step: 1, epoch: 0 });
    run.logMetric('loss', Number.NaN, { context: Context.TRAINING, step: 2 });
    run.logMetric('loss', Number.POSITIVE_INFINITY, { context: Context.TRAINING, step: 3, timestamp: new Date(1_700_000_000_000) });
    run.logMetric('loss', Number.NEGATIVE_INFINITY, { context: Context.TRAINING, timestamp: 1_700_000_000_500 });
    await run.flush();
    const points = await readSeries(store, await findSeries(store, run.id, 'loss', 'training'));
    expect(points.value).toEqual([0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(points.step).toEqual([1, 2, 3, Number.NaN]);
    expect(points.epoch).toEqual([0, Number.NaN, Number.NaN, Number.NaN]);
    expect(points.time[0]).toBeGreaterThanOrEqual(before);
    expect(points.time.slice(2)).toEqual([1_700_000_000_000, 1_700_000_000_500]);
  });

  it('keeps one series per context, and takes the context from the name when none is given', async () => {
    const { run, store } = await fixture();
    run.logMetric('loss', 1, { step: 1 });
    run.logMetric('val_loss', 2, { epoch: 1 });
    run.logMetric('loss', 3, { context: Context.VALIDATION, epoch: 1 });
    run.logMetric('loss', 4, { context: 'my-holdout', epoch: 1 });
    await run.flush();
    const series = await store.listSeries(run.id);
    expect(series.map((s) => [s.name, s.kind, s.context]).sort()).toEqual([
      ['loss', 'training', 'my-holdout'],
      ['loss', 'training', 'training'],
      ['loss', 'training', 'validation'],
      ['val_loss', 'training', 'validation'],
    ]);
  });

  it('buffers points until the buffer is full, the timer ticks, or flush is called', async () => {
    const { run, store } = await fixture({ flushPoints: 1000 });
    for (let i = 0; i < 999; i++) run.logMetric('loss', i, { step: i });
    expect(await store.listSeries(run.id)).toEqual([]);
    run.logMetric('loss', 999, { step: 999 });
    expect((await findSeries(store, run.id, 'loss')).count).toBe(1000);
    run.logMetric('loss', 1000, { step: 1000 });
    await run.flush();
    const points = await readSeries(store, await findSeries(store, run.id, 'loss'));
    expect(points.value).toEqual(Array.from({ length: 1001 }, (_, i) => i));
  });

  it('writes buffered points on the timer', async () => {
    const { run, store } = await fixture({ flushIntervalMs: 20 });
    run.logMetric('loss', 1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await findSeries(store, run.id, 'loss')).count).toBe(1);
  });

  it('stores each point before the promise resolves in synchronous mode', async () => {
    const { run, store } = await fixture({ synchronous: true });
    await run.logMetric('loss', 0.25, { step: 7 });
    expect((await findSeries(store, run.id, 'loss')).last).toBe(0.25);
    await run.logMetrics({ acc: 0.5, f1: 0.75 }, { epoch: 2 });
    expect((await store.listSeries(run.id)).map((s) => s.name).sort()).toEqual(['acc', 'f1', 'loss']);
  });

  it('records several metrics at once with logMetrics', async () => {
    const { run, store } = await fixture();
    run.logMetrics({ loss: 0.3, val_acc: 0.9 }, { step: 10, epoch: 1 });
    await run.flush();
    expect((await findSeries(store, run.id, 'loss', 'training')).lastStep).toBe(10);
    expect((await findSeries(store, run.id, 'val_acc', 'validation')).lastEpoch).toBe(1);
  });

  it.each([
    ['an empty name', () => ['', 1], /expected the metric name to be a non-empty string, got ""/],
    ['a name that is not a string', () => [42, 1], /metric name to be a non-empty string, got number 42/],
    ['a string value', () => ['loss', '0.5'], /expected the value of "loss" to be a number, got "0.5"/],
    ['a null value', () => ['loss', null], /value of "loss" to be a number, got null/],
    ['a NaN step', () => ['loss', 1, { step: Number.NaN }], /expected step to be a finite number, got number NaN/],
    ['an infinite epoch', () => ['loss', 1, { epoch: Number.POSITIVE_INFINITY }], /expected epoch to be a finite number, got number Infinity/],
    ['a string step', () => ['loss', 1, { step: '3' }], /step to be a finite number, got "3"/],
    ['an empty context', () => ['loss', 1, { context: '' }], /expected the context to be a non-empty string/],
    ['a blank name', () => ['  ', 1], /expected the metric name to be a non-empty string, got " {2}"/],
    ['a blank context', () => ['loss', 1, { context: ' ' }], /expected the context to be a non-empty string, got " "/],
    ['an invalid Date', () => ['loss', 1, { timestamp: new Date('nope') }], /timestamp to be a finite number, got number NaN/],
    [
      'null options',
      () => ['loss', 1, null],
      /logMetric: expected the options to be an object \(\{ context, step, epoch, timestamp \}\) or left out, got null/,
    ],
    ['options that are a number', () => ['loss', 1, 3], /logMetric: expected the options to be an object .* got number 3/],
    ['options that are a string', () => ['loss', 1, 'training'], /logMetric: expected the options to be an object .* got "training"/],
  ])('rejects %s at the call site, storing nothing', async (_what, args, message) => {
    const { run, store } = await fixture();
    const call = () => (run.logMetric as (...a: unknown[]) => unknown)(...args());
    expect(call).toThrow(UsageError);
    expect(call).toThrow(message);
    await run.flush();
    expect(await store.listSeries(run.id)).toEqual([]);
  });

  it.each([
    [
      'null options',
      () => [{ loss: 1 }, null],
      /logMetrics: expected the options to be an object \(\{ context, step, epoch, timestamp \}\) or left out, got null/,
    ],
    ['array options', () => [{ loss: 1 }, [1]], /logMetrics: expected the options to be an object .* got an array/],
    ['a null record', () => [null], /logMetrics: expected an object of name → value, got null/],
    ['a NaN step', () => [{ loss: 1 }, { step: Number.NaN }], /logMetrics: expected step to be a finite number, got number NaN/],
  ])('rejects logMetrics with %s at the call site, storing nothing', async (_what, args, message) => {
    const { run, store } = await fixture();
    const call = () => (run.logMetrics as (...a: unknown[]) => unknown)(...args());
    expect(call).toThrow(UsageError);
    expect(call).toThrow(message);
    await run.flush();
    expect(await store.listSeries(run.id)).toEqual([]);
  });

  it('rejects a whole logMetrics record when one value is bad', async () => {
    const { run, store } = await fixture();
    expect(() => run.logMetrics({ loss: 0.1, acc: 'high' as unknown as number })).toThrow(/value of "acc" to be a number, got "high"/);
    expect(() => run.logMetrics([1, 2] as unknown as Record<string, number>)).toThrow(/expected an object of name → value, got an array/);
    await run.flush();
    expect(await store.listSeries(run.id)).toEqual([]);
  });

  it('refuses calls after end()', async () => {
    const { run } = await fixture();
    await run.end();
    expect(() => run.logMetric('loss', 1)).toThrow(/logMetric: run \w+ has ended/);
    expect(() => run.logParam('lr', 1)).toThrow(/has ended/);
    await expect(run.end()).resolves.toBeUndefined();
  });

  it('records the seconds since the run started with logExecutionTime', async () => {
    const { run, store } = await fixture();
    await new Promise((resolve) => setTimeout(resolve, 30));
    run.logExecutionTime('after_sleep', Context.TRAINING, 1);
    await run.flush();
    const seconds = (await findSeries(store, run.id, 'after_sleep')).last;
    expect(seconds).toBeGreaterThanOrEqual(0.03);
    expect(seconds).toBeLessThan(10);
  });
});

describe('a failed write', () => {
  it('keeps the points while the store refuses writes, warns once, and writes each once when it takes them again', async () => {
    const dir = tempStoreDir();
    const store = reopen(dir);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    // A real store error: another connection makes every series update fail, as a full disk or an I/O error would.
    const other = openDatabase(path.join(dir, 'runmeter.db'), false);
    try {
      const run = await startRun({ name: 'flaky', store, env: {}, flushPoints: 2, flushIntervalMs: 60_000 });
      other.exec("CREATE TRIGGER fail BEFORE UPDATE ON series BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
      other.exec("CREATE TRIGGER fail_insert BEFORE INSERT ON series BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
      run.logMetric('loss', 1);
      run.logMetric('loss', 2);
      run.logMetric('loss', 3);
      run.logMetric('loss', 4);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(warnings).toEqual([expect.stringContaining('cannot write to')]);
      expect(warnings[0]).toContain('database or disk is full');
      other.exec('DROP TRIGGER fail; DROP TRIGGER fail_insert');
      await run.end();
      const points = await readSeries(store, await findSeries(store, run.id, 'loss'));
      expect([...points.value]).toEqual([1, 2, 3, 4]);
      expect((await store.getRun(run.id))?.status).toBe('succeeded');
    } finally {
      other.close();
      process.off('warning', onWarning);
      await store.close();
    }
  });
});
