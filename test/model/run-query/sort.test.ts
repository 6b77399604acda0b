import { describe, expect, it } from 'vitest';
import {
  differenceLabels,
  formatSortKey,
  keyMetricKeys,
  paramsDiff,
  parseColumns,
  parseSortKey,
  schemaOf,
  sortRuns,
  UnknownFieldError,
} from '../../../src/model/run-query/index.js';
import { record, stat, sweep } from './records.js';

const runs = sweep();
const schema = schemaOf(runs);
const sortedIds = (key: string) => sortRuns(runs, parseSortKey(key, schema)).map((r) => r.id);

describe('sorting runs by any column', () => {
  it('sorts by a param column either way, runs without it last', () => {
    expect(sortedIds('lr')).toEqual(['d4', 'c3', 'b2', 'a1', 'e5']);
    expect(sortedIds('-lr')).toEqual(['a1', 'b2', 'c3', 'd4', 'e5']);
    expect(sortedIds('lr:desc')).toEqual(['a1', 'b2', 'c3', 'd4', 'e5']);
  });

  it('sorts by a metric stat with NaN and missing values last, and by run fields', () => {
    expect(sortedIds('loss')).toEqual(['b2', 'a1', 'd4', 'c3', 'e5']);
    expect(sortedIds('-loss.max')).toEqual(['c3', 'a1', 'd4', 'b2', 'e5']);
    expect(sortedIds('duration')).toEqual(['c3', 'a1', 'b2', 'd4', 'e5']);
    expect(sortedIds('name')[0]).toBe('a1');
    expect(sortedIds('-name')[0]).toBe('e5');
  });

  it('keeps equal runs in the order they came in', () => {
    expect(sortedIds('bs')).toEqual(['a1', 'b2', 'c3', 'd4', 'e5']);
  });

  it('reads column lists and writes sort keys back as typed', () => {
    expect(parseColumns('name, lr,loss.min', schema).map((f) => f.kind)).toEqual(['run', 'param', 'metric']);
    expect(formatSortKey(parseSortKey('-loss.min', schema))).toBe('-loss.min');
    expect(formatSortKey(parseSortKey('lr', schema))).toBe('lr');
    expect(() => parseColumns('name,lrr', schema)).toThrow(UnknownFieldError);
    expect(() => parseColumns('name,lrr', schema)).toThrow(/did you mean lr/);
  });
});

describe('what sets runs apart', () => {
  it('lists the params that differ, and labels runs by them', () => {
    const four = runs.slice(0, 4);
    expect(paramsDiff(four)).toEqual({ differing: ['bs', 'lr'], same: [] });
    expect(differenceLabels(four)).toEqual(['bs=64, lr=0.1', 'bs=64, lr=0.01', 'bs=64, lr=0.001', 'bs=128, lr=0.0001']);
    expect(paramsDiff(runs.slice(0, 3))).toEqual({ differing: ['lr'], same: ['bs'] });
  });

  it('falls back to names, then ids, when params do not tell runs apart', () => {
    const same = [record({ id: 'a', name: 'one', params: { lr: 1 } }), record({ id: 'b', name: 'two', params: { lr: 1 } })];
    expect(differenceLabels(same)).toEqual(['one', 'two']);
    const twins = [record({ id: 'a', params: { lr: 1 } }), record({ id: 'b', params: { lr: 1 } })];
    expect(differenceLabels(twins)).toEqual(['train_mlp.py · a', 'train_mlp.py · b']);
  });
});

describe('key metrics', () => {
  it('puts losses first and validation before training, as ls and the dashboard both show', () => {
    const r = record({ id: 'x', metrics: [stat('lr', 1), stat('train/acc', 1), stat('train/loss', 1), stat('val/loss', 1), stat('val/acc', 1)] });
    expect(keyMetricKeys([r])).toEqual(['val/loss', 'train/loss', 'val/acc']);
  });
});
