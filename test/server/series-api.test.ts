import { afterEach, describe, expect, it } from 'vitest';
import type { PointsResponse, SeriesDataResponse, SeriesListResponse } from '../../src/server/index.js';
import type { Store } from '../../src/store/store.js';
import { createRun, metricPoints, t0, tempStore, testApp } from './helpers.js';

let store: Store;
afterEach(async () => store?.close());

async function seriesId(json: ReturnType<typeof testApp>['json'], runId: string, name: string): Promise<number> {
  const { body } = await json<SeriesListResponse>(`/api/v1/runs/${runId}/series`);
  const found = body.series.find((s) => s.name === name);
  if (!found) throw new Error(`no series ${name}`);
  return found.id;
}

describe('series data API', () => {
  it('returns at most the buckets asked for, keeping a one-point spike as a bucket max', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendPoints(
      run.id,
      metricPoints('loss', 20_000, (i) => (i === 12_345 ? 1000 : 1)),
    );
    const { json } = testApp({ store });
    const id = await seriesId(json, run.id, 'loss');
    const { status, body } = await json<SeriesDataResponse>(`/api/v1/runs/${run.id}/series/${id}/data?x=step&buckets=100`);
    expect(status).toBe(200);
    expect(body.xs.length).toBeLessThanOrEqual(100);
    expect(body.total).toBe(20_000);
    expect(body.seriesCount).toBe(20_000);
    expect(Math.max(...(body.max as number[]))).toBe(1000);
    expect(body.count.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it('returns every point of a zoomed range at full resolution', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendPoints(
      run.id,
      metricPoints('loss', 10_000, (i) => i),
    );
    const { json } = testApp({ store });
    const id = await seriesId(json, run.id, 'loss');
    const { body } = await json<SeriesDataResponse>(`/api/v1/runs/${run.id}/series/${id}/data?x=step&from=5000&to=5099&buckets=400`);
    expect(body.resolution).toBe('raw');
    expect(body.xs).toEqual(Array.from({ length: 100 }, (_, i) => 5000 + i));
    expect(body.last).toEqual(body.xs);
  });

  it('sends NaN and infinities as strings, never null, on the time axis by default', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendPoints(
      run.id,
      metricPoints('loss', 3, (i) => [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][i] as number),
    );
    const { json } = testApp({ store });
    const id = await seriesId(json, run.id, 'loss');
    const { body } = await json<SeriesDataResponse>(`/api/v1/runs/${run.id}/series/${id}/data`);
    expect(body.x).toBe('time');
    expect(body.xs).toEqual([t0, t0 + 1000, t0 + 2000]);
    expect(body.last).toEqual(['NaN', 'Infinity', '-Infinity']);
  });

  it('returns no buckets on an axis the series does not have', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendPoints(run.id, [{ series: { name: 'system/cpu_percent', kind: 'system' }, time: t0, value: 50 }]);
    const { json } = testApp({ store });
    const id = await seriesId(json, run.id, 'system/cpu_percent');
    const { body } = await json<SeriesDataResponse>(`/api/v1/runs/${run.id}/series/${id}/data?x=step`);
    expect(body.xs).toEqual([]);
    expect(body.seriesCount).toBe(1);
  });

  it('rejects a bad axis, bucket count or series with errors naming them', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendPoints(
      run.id,
      metricPoints('loss', 2, () => 1),
    );
    const { json } = testApp({ store });
    const id = await seriesId(json, run.id, 'loss');
    const axis = await json<{ error: { message: string } }>(`/api/v1/runs/${run.id}/series/${id}/data?x=wall`);
    expect(axis.status).toBe(400);
    expect(axis.body.error.message).toContain('time, step, epoch');
    expect((await json(`/api/v1/runs/${run.id}/series/${id}/data?buckets=0`)).status).toBe(400);
    expect((await json(`/api/v1/runs/${run.id}/series/${id}/data?buckets=100000`)).status).toBe(400);
    const missing = await json<{ error: { code: string } }>(`/api/v1/runs/${run.id}/series/99999/data`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('E_SERIES_NOT_FOUND');
  });

  it('rejects a range whose from is past its to, naming both parameters', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendPoints(
      run.id,
      metricPoints('loss', 200, (i) => i),
    );
    const { json } = testApp({ store });
    const id = await seriesId(json, run.id, 'loss');
    const reversed = await json<{ error: { code: string; message: string } }>(`/api/v1/runs/${run.id}/series/${id}/data?x=step&from=100&to=10`);
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.code).toBe('E_USAGE');
    expect(reversed.body.error.message).toContain('"from"');
    expect(reversed.body.error.message).toContain('"to"');
    expect(reversed.body.error.message).toContain('from=100 and to=10');
    const single = await json<SeriesDataResponse>(`/api/v1/runs/${run.id}/series/${id}/data?x=step&from=10&to=10`);
    expect(single.status).toBe(200);
    expect(single.body.xs).toEqual([10]);
    // A live client reading on past the series' end still gets an empty answer, not an error.
    const pastEnd = await json<SeriesDataResponse>(`/api/v1/runs/${run.id}/series/${id}/data?x=step&from=500`);
    expect(pastEnd.status).toBe(200);
    expect(pastEnd.body.xs).toEqual([]);
  });

  it('reads raw points from an index, for a client catching up', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    await store.appendPoints(run.id, [
      ...metricPoints('loss', 5000, (i) => i),
      { series: { name: 'loss', kind: 'training' }, time: t0 + 9e6, value: Number.NaN },
    ]);
    const { json } = testApp({ store });
    const id = await seriesId(json, run.id, 'loss');
    const { body } = await json<PointsResponse>(`/api/v1/runs/${run.id}/series/${id}/points?from=4998`);
    expect(body.start).toBe(4998);
    expect(body.value).toEqual([4998, 4999, 'NaN']);
    expect(body.step).toEqual([4998, 4999, null]);
    expect(body.time).toEqual([t0 + 4998_000, t0 + 4999_000, t0 + 9e6]);
    expect(body.seriesCount).toBe(5001);
  });
});
