import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MetricFields, readMetricBytes } from '../../../src/parse/formats/json-bytes.js';
import { brief, fixtureLog, parse } from '../helpers.js';

describe('FloydHub JSON metric lines', () => {
  it('reads every line of a real PyTorch log, with step, or epoch standing in for the step', () => {
    const { metrics, warnings } = parse(fixtureLog('torch_json.stdout'));
    expect(warnings).toEqual([]);
    expect(metrics).toHaveLength(19);
    expect(metrics[0]).toEqual({ name: 'loss', value: 2.301626443862915, step: 50, line: 1, format: 'json', context: 'training' });
    expect(metrics[4]).toMatchObject({ name: 'accuracy', value: 0.111328125, epoch: 0, step: 0, line: 5 });
  });

  it('records the rank of torchrun --tee lines and skips their plain text', () => {
    const { metrics } = parse(fixtureLog('torchrun_tee3.stdout'));
    expect(metrics.map((m) => [m.rank, m.step, m.line])).toEqual([
      [1, 5, 1],
      [1, 10, 2],
      [1, 15, 4],
      [1, 20, 5],
      [0, 5, 6],
      [0, 10, 7],
      [0, 15, 8],
      [0, 20, 9],
    ]);
  });

  it('keeps full double precision and reads NaN and Infinity as json.dumps writes them', () => {
    const log = [
      '{"metric": "loss", "value": 0.30000000000000004, "step": 1}',
      '{"metric": "loss", "value": NaN, "step": 2}',
      '{"metric": "loss", "value": Infinity, "step": 3}',
      '{"metric": "loss", "value": -Infinity, "step": 4}',
      '{"metric": "grad", "value": 1e-310}',
    ].join('\n');
    const { metrics, warnings } = parse(log);
    expect(warnings).toEqual([]);
    expect(metrics.map((m) => m.value)).toEqual([0.30000000000000004, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-310]);
  });

  it('takes context and timestamp from the line, the context over the one the name implies', () => {
    const { metrics } = parse(
      '{"metric": "val_acc", "value": 0.9, "epoch": 2, "context": "testing", "timestamp": 1700000000.5}\n{"timestamp": "2026-01-02T03:04:05Z", "value": 1, "metric": "eval_x"}\n',
    );
    expect(metrics[0]).toMatchObject({ name: 'val_acc', context: 'testing', epoch: 2, step: 2, timestamp: 1700000000500 });
    expect(metrics[1]).toMatchObject({ name: 'eval_x', context: 'evaluation', timestamp: Date.UTC(2026, 0, 2, 3, 4, 5) });
  });

  it('rejects values that are not numbers, empty names and broken lines, with a warning naming the line', () => {
    const log = [
      '{"metric": "loss", "value": "0.5"}',
      '{"metric": "loss", "value": true}',
      '{"metric": "loss", "value": null}',
      '{"metric": "loss", "value": [1]}',
      '{"metric": "loss", "value": {"a": 1}}',
      '{"metric": "", "value": 1}',
      '{"value": 1}',
      '{"metric": "loss", "value": 0.5',
      '{"metric": "loss", "value": 1, "step": 1.5}',
      '{"metric": "ok", "value": 1}',
      '{"name": "not a metric object", "pid": 1234}',
    ].join('\n');
    const { metrics, warnings } = parse(log);
    expect(metrics.map(brief)).toEqual(['ok=1']);
    expect(warnings.map((w) => w.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(warnings[0]?.message).toBe('rejected: "value" of "loss" must be a number, found a string ("0.5")');
    expect(warnings[2]?.message).toContain('found null');
    expect(warnings[3]?.message).toContain('found an array');
    expect(warnings[5]?.message).toContain('"metric" must be a non-empty name');
    expect(warnings[6]?.message).toBe('rejected: no "metric" name');
    expect(warnings[7]?.message).toContain('not valid JSON');
    expect(warnings[8]?.message).toContain('"step" of "loss" must be an integer');
  });

  it('does not read NaN inside a string as a number', () => {
    const { metrics, warnings } = parse('{"metric": "a, NaN, b", "value": NaN}\n');
    expect(warnings).toEqual([]);
    expect(metrics[0]).toMatchObject({ name: 'a, NaN, b', value: Number.NaN });
  });

  it('reads every number exactly as JSON.parse does, however it is written', () => {
    const fields: MetricFields = { name: '', value: 0, step: undefined, epoch: undefined, context: undefined };
    const written = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d)),
      fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 })).map(([d, k]) => d.toExponential(k)),
      fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 })).map(([d, k]) => d.toFixed(k)),
      fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.integer({ min: 0, max: 30 })).map(([m, k]) => `${m}e-${k}`),
    );
    fc.assert(
      fc.property(written, (text) => {
        const line = Buffer.from(`{"metric": "x", "value": ${text}, "step": 3}`);
        expect(readMetricBytes(line, 0, line.length, fields)).toBe(true);
        expect(Object.is(fields.value, JSON.parse(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves lines of another shape to the full reader, which gives the same points', () => {
    const log = '{"metric":"a","value":1,"extra":true}\n{"metric":"b\\u00e9","value":2}\n{ "value" : 3 , "metric" : "c" }\n';
    expect(parse(log).metrics.map(brief)).toEqual(['a=1', 'bé=2', 'c=3']);
  });
});
