import { afterEach, describe, expect, it } from 'vitest';
import type { CompareResponse } from '../../src/server/index.js';
import { MAX_COMPARED_RUNS } from '../../src/server/routes/compare.js';
import type { Store } from '../../src/store/store.js';
import { createRun, metricPoints, t0, tempStore, testApp } from './helpers.js';

let store: Store;
afterEach(async () => store?.close());

/** Three runs of a sweep over lr (one with another batch size), with loss and accuracy. */
async function sweep(): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, lr] of [0.1, 0.01, 0.001].entries()) {
    const run = await createRun(store, {
      name: 'train_mlp.py',
      params: { lr, bs: i === 2 ? 128 : 64, optimizer: { name: 'sgd' } },
      tags: i === 2 ? ['sweep', 'baseline'] : ['sweep'],
      startTime: t0 + i * 1000,
    });
    await store.appendPoints(run.id, [
      ...metricPoints('loss', 5, (s) => (s === 2 ? 0.05 : (1 + i) / (s + 1))),
      ...metricPoints('accuracy', 5, (s) => (i === 1 && s === 4 ? Number.NaN : 0.5 + i * 0.1 + s * 0.01)),
    ]);
    ids.push(run.id);
  }
  return ids;
}

describe('GET /api/v1/compare', () => {
  it('gives labels by what differs, the params diff and each metric’s final and best value', async () => {
    ({ store } = tempStore());
    const ids = await sweep();
    const { json } = testApp({ store });
    const { status, body } = await json<CompareResponse & { schemaVersion: number }>(`/api/v1/compare?runs=${ids.join(',')}`);
    expect(status).toBe(200);
    expect(Object.keys(body)[0]).toBe('schemaVersion');
    expect(body.missing).toEqual([]);
    expect(body.runs.map((r) => [r.id, r.label, r.tags])).toEqual([
      [ids[0], 'bs=64, lr=0.1', ['sweep']],
      [ids[1], 'bs=64, lr=0.01', ['sweep']],
      [ids[2], 'bs=128, lr=0.001', ['sweep', 'baseline']],
    ]);
    expect(body.params).toEqual({
      differing: ['bs', 'lr'],
      same: ['optimizer.name'],
      values: { bs: [64, 64, 128], lr: [0.1, 0.01, 0.001], 'optimizer.name': ['sgd', 'sgd', 'sgd'] },
    });
    expect(body.metrics.map((m) => [m.key, m.better])).toEqual([
      ['loss', 'lower'],
      ['accuracy', 'higher'],
    ]);
    // The final value is the last point's; the best the min of a loss (a dip at step 2), the max of an accuracy.
    expect(body.metrics[0]?.values[0]).toEqual({ last: 0.2, min: 0.05, max: 1, best: 0.05, count: 5, seriesId: expect.any(Number) });
    expect(body.metrics[1]?.values[1]).toMatchObject({ last: 'NaN', min: 0.6, max: 0.63, best: 0.63, count: 5 });
    // The series id reads the metric's points.
    const loss = body.metrics[0]?.values[2]?.seriesId as number;
    const points = await json<{ value: number[] }>(`/api/v1/runs/${ids[2]}/series/${loss}/points`);
    expect(points.body.value).toEqual([3, 1.5, 0.05, 0.75, 0.6]);
  });

  it('reports refs that name no run in `missing` and compares the rest; a run named twice comes once', async () => {
    ({ store } = tempStore());
    const ids = await sweep();
    const { json } = testApp({ store });
    const { status, body } = await json<CompareResponse>(`/api/v1/compare?runs=${ids[0]},nope,${ids[1]},${ids[0]},zzz`);
    expect(status).toBe(200);
    expect(body.missing).toEqual(['nope', 'zzz']);
    expect(body.runs.map((r) => r.id)).toEqual([ids[0], ids[1]]);
    expect(body.runs.map((r) => r.label)).toEqual(['lr=0.1', 'lr=0.01']);
    const none = await json<CompareResponse>('/api/v1/compare?runs=nope');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ runs: [], missing: ['nope'], metrics: [] });
  });

  it('refuses no runs, and more runs than it compares, naming the parameter', async () => {
    ({ store } = tempStore());
    const { json } = testApp({ store });
    const empty = await json<{ error: { code: string; message: string } }>('/api/v1/compare?runs=');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('query parameter "runs"');
    const many = Array.from({ length: MAX_COMPARED_RUNS + 1 }, (_, i) => `run${i}`).join(',');
    const tooMany = await json<{ error: { code: string; message: string } }>(`/api/v1/compare?runs=${many}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toEqual({
      code: 'E_USAGE',
      message: `query parameter "runs" may name at most ${MAX_COMPARED_RUNS} runs, got ${MAX_COMPARED_RUNS + 1}`,
    });
  });
});
