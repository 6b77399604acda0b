import { describe, expect, it } from 'vitest';
import { jsonDocument, jsonText, keyMetrics, runJson, seriesJson } from '../../src/model/json-shape.js';
import type { SeriesSummary } from '../../src/model/series.js';

const summary = (name: string, overrides: Partial<SeriesSummary> = {}): SeriesSummary => ({
  id: 1,
  runId: 'r1',
  name,
  kind: 'training',
  count: 3,
  min: 0.1,
  max: 0.9,
  last: 0.5,
  firstTime: 1000,
  lastTime: 3000,
  ...overrides,
});

describe('the JSON shape', () => {
  it('writes NaN and ±Infinity as strings in a series summary, min and max included', () => {
    const json = seriesJson(summary('loss', { last: Number.NaN, min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY }));
    expect(JSON.parse(JSON.stringify(json))).toMatchObject({ last: 'NaN', min: '-Infinity', max: 'Infinity', firstTime: 1000 });
    expect(seriesJson(summary('loss', { min: null, max: null })).min).toBeNull();
  });

  it('gives a run its duration so far, or to its end', () => {
    const run = { startTime: 1000, endTime: 4000 } as Parameters<typeof runJson>[0];
    expect(runJson(run).durationMs).toBe(3000);
    expect(runJson({ ...run, endTime: undefined } as unknown as Parameters<typeof runJson>[0], 6000).durationMs).toBe(5000);
  });

  it('puts schemaVersion first in every document', () => {
    expect(Object.keys(jsonDocument({ runs: [] }))).toEqual(['schemaVersion', 'runs']);
    expect(jsonText({ a: 1 }, 0)).toBe('{"schemaVersion":1,"a":1}\n');
  });

  it('picks key metrics: exact well-known names, then losses, then accuracies, one per name, rank 0 only', () => {
    const series = [
      summary('zeta'),
      summary('train_loss', { id: 2 }),
      summary('f1', { id: 3 }),
      summary('accuracy', { id: 4 }),
      summary('loss', { id: 5, rank: 1 }),
      summary('system/cpu_percent', { id: 6, kind: 'system' }),
    ];
    expect(keyMetrics(series).map((m) => m.name)).toEqual(['accuracy', 'train_loss', 'f1']);
    expect(keyMetrics(series, 5).map((m) => m.name)).toEqual(['accuracy', 'train_loss', 'f1', 'zeta']);
  });
});
