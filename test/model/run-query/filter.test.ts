import { describe, expect, it } from 'vitest';
import { compileFilter, FilterError, schemaOf } from '../../../src/model/run-query/index.js';
import { record, stat, sweep } from './records.js';

const runs = sweep();
const schema = schemaOf(runs);
const ids = (filter: string) => runs.filter(compileFilter(filter, schema)).map((r) => r.id);

/** The FilterError a filter gives, or a failure when it gives none. */
function filterError(filter: string): FilterError {
  try {
    compileFilter(filter, schema);
  } catch (error) {
    if (error instanceof FilterError) return error;
    throw error;
  }
  throw new Error(`"${filter}" was accepted`);
}

describe('the filter language', () => {
  it('compares params, metrics and run fields, joined by and, or, not and parentheses', () => {
    expect(ids('lr > 0.01')).toEqual(['a1']);
    expect(ids('lr >= 0.01 and bs = 64')).toEqual(['a1', 'b2']);
    expect(ids('lr > 0.01 or status = failed')).toEqual(['a1', 'c3']);
    expect(ids('lr < 0.01 and status = failed')).toEqual(['c3']);
    expect(ids('not (lr < 0.01) and tag:sweep')).toEqual(['a1', 'b2']);
    expect(ids('loss.min < 0.2')).toEqual(['a1', 'b2']);
    expect(ids('val_loss < 0.3')).toEqual(['b2']);
    expect(ids('val_loss.max >= 0.9')).toEqual(['a1', 'd4']);
    expect(ids('name ~ xg')).toEqual(['e5']);
    expect(ids('optimizer = ADAM')).toEqual(['e5']);
    expect(ids('project = tabular')).toEqual(['e5']);
    expect(ids('duration < 10s')).toEqual(['c3']);
    expect(ids('duration >= 1m and lr != 0.1')).toEqual(['b2', 'd4', 'e5']);
  });

  it('finds tags with tag:, =, != and ~', () => {
    expect(ids('tag:sweep')).toEqual(['a1', 'b2', 'c3', 'd4']);
    expect(ids('tag:baseline')).toEqual(['d4']);
    expect(ids('tag = Baseline')).toEqual(['d4']);
    expect(ids('tag:sweep tag != baseline')).toEqual(['a1', 'b2', 'c3']);
    expect(ids('tags ~ base')).toEqual(['d4']);
  });

  it('finds a run whose loss went to NaN', () => {
    expect(ids('loss = nan')).toEqual(['c3']);
    expect(ids('loss < 1')).toEqual(['a1', 'b2', 'd4']);
  });

  it('searches free text over the name, the command as shown, tags and params', () => {
    // The command as the list shows it, which the JSON array the store keeps never contained.
    expect(ids('"train_mlp.py --lr 0.1"')).toEqual(['a1', 'b2', 'c3', 'd4']);
    expect(ids('xgb.py')).toEqual(['e5']);
    expect(ids('baseline')).toEqual(['d4']);
    expect(ids('lr=0.001')).toEqual(['c3']);
    expect(ids('max_depth')).toEqual(['e5']);
    expect(ids('GPU-BOX xgb')).toEqual(['e5']);
    expect(ids('nomatch')).toEqual([]);
    expect(ids('')).toEqual(['a1', 'b2', 'c3', 'd4', 'e5']);
  });

  it('takes a param before a metric of the same name, and reaches the metric as name.last or metrics.name', () => {
    const both = [record({ id: 'x', params: { lr: 0.5 }, metrics: [stat('lr', 0.01)] })];
    const s = schemaOf(both);
    expect(both.filter(compileFilter('lr = 0.5', s))).toHaveLength(1);
    expect(both.filter(compileFilter('lr.last = 0.01', s))).toHaveLength(1);
    expect(both.filter(compileFilter('metrics.lr = 0.01', s))).toHaveLength(1);
    expect(both.filter(compileFilter('params.lr = 0.01', s))).toHaveLength(0);
  });

  it('names the position of what it cannot read, and what it expected there', () => {
    expect(filterError('lr >')).toMatchObject({ position: 4, message: 'expected a value after ">" at position 4, found the end' });
    expect(filterError('(lr > 1')).toMatchObject({ position: 7, message: 'expected ")" to close the "(" at position 1, found the end' });
    expect(filterError('lr > 1 or')).toMatchObject({ position: 9, message: expect.stringContaining('after "or" at position 8') });
    expect(filterError('lr > 1 )').position).toBe(7);
    expect(filterError('and lr > 1').message).toBe('expected a condition at position 1, found "and"');
    expect(filterError('name = "abc').message).toBe('the text in quotes starting at position 8 has no closing "');
    expect(filterError('tag:').message).toContain('expected a value after "tag:"');
  });

  it('names unknown fields with the closest known ones, and values of the wrong kind', () => {
    const unknown = filterError('tag:sweep and lrr > 0.1');
    expect(unknown.position).toBe(14);
    expect(unknown.message).toContain('unknown field "lrr"');
    expect(unknown.message).toContain('did you mean lr');
    expect(unknown.message).toContain('at position 15');
    expect(filterError('lr > abc')).toMatchObject({ position: 5, message: expect.stringContaining('"abc" at position 6 is not a number') });
    expect(filterError('status = done').message).toBe('status is one of running, succeeded, failed, killed, lost; got "done" at position 10');
    expect(filterError('name > 3').message).toContain('name is text: use =, !=, ~ or !~ (got ">" at position 6)');
    expect(filterError('loss ~ 3').message).toContain('loss is a number');
    expect(filterError('duration > soon').message).toContain('duration expects a length of time');
  });
});
