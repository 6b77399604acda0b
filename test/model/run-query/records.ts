import type { MetricStat, RunRecord } from '../../../src/model/run-query/index.js';
import { metricKey } from '../../../src/model/run-query/index.js';

const t0 = Date.UTC(2024, 4, 1, 10, 0, 0);

/** A metric stat with last, min and max. */
export function stat(name: string, last: number, min = last, max = last, context?: string): MetricStat {
  return { key: metricKey(name, context), name, last, min, max, count: 10, ...(context ? { context } : {}) };
}

/** A run record for tests, with overrides. */
export function record(overrides: Partial<RunRecord> & { id: string }): RunRecord {
  return {
    name: 'train_mlp.py',
    command: ['/usr/bin/python3', 'train_mlp.py', '--lr', '0.1'],
    host: 'gpu-box',
    user: 'ada',
    status: 'succeeded',
    startTime: t0,
    durationMs: 60_000,
    tags: [],
    params: {},
    metrics: [],
    ...overrides,
  };
}

/** The learning-rate sweep the issue measured: four runs of train_mlp.py, one failed, one XGBoost run. */
export function sweep(): RunRecord[] {
  return [
    record({
      id: 'a1',
      params: { lr: 0.1, bs: 64 },
      tags: ['sweep'],
      metrics: [stat('val_loss', 0.31, 0.3, 0.9), stat('loss', 0.2, 0.19, 2.3), stat('lr', 0.1)],
    }),
    record({ id: 'b2', params: { lr: 0.01, bs: 64 }, tags: ['sweep'], metrics: [stat('val_loss', 0.25, 0.24, 0.8), stat('loss', 0.15, 0.1, 2.2)] }),
    record({ id: 'c3', params: { lr: 0.001, bs: 64 }, tags: ['sweep'], status: 'failed', durationMs: 5_000, metrics: [stat('loss', Number.NaN, 1.5, 2.4)] }),
    record({ id: 'd4', params: { lr: 0.0001, bs: 128 }, tags: ['sweep', 'baseline'], metrics: [stat('val_loss', 0.5, 0.5, 1), stat('loss', 0.45, 0.45, 2.3)] }),
    record({
      id: 'e5',
      name: 'xgb',
      command: ['python', 'xgb.py'],
      params: { max_depth: 6, optimizer: 'adam' },
      project: 'tabular',
      metrics: [stat('auc', 0.91)],
      startTime: t0 + 1000,
    }),
  ];
}
