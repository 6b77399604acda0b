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

  it("reads a metric object printed while a progress bar was drawn, at the end of the bar's line, and the bar too", () => {
    const log = [
      'Epoch 1/2',
      '\r1/3 [=>....] - 0s - loss: 0.7 - accuracy: 0.9{"metric": "grad_norm", "value": 0.5, "step": 1}',
      '\r2/3 [===>..] - 0s - loss: 0.65 - accuracy: 0.92{"metric": "grad_norm", "value": "oops", "step": 2}',
      '\r3/3 [======] - 1s - loss: 0.6 - accuracy: 0.95 - val_loss: 0.8',
      ' 60%|██████    | 3/5 [00:01<00:00, 2.1it/s, loss=0.4]{"metric":"lr","value":0.1,"step":3}',
      'step 4 done {"metric": "x", "value": 1}',
      '',
    ].join('\n');
    for (const chunks of [undefined, [7, 3, 50]]) {
      const { metrics, warnings } = parse(log, {}, chunks);
      // Line 6: a print that landed on a line of text (another writer's, unbuffered) is read too.
      expect(metrics.filter((m) => m.format === 'json').map((m) => `${m.name}@${m.step}=${m.value}@${m.line}`)).toEqual([
        'grad_norm@1=0.5@2',
        'lr@3=0.1@5',
        'x@undefined=1@6',
      ]);
      expect(metrics.filter((m) => m.format === 'keras').map((m) => `${m.name}=${m.value}`)).toEqual(['loss=0.6', 'accuracy=0.95', 'val_loss=0.8']);
      expect(warnings.map((w) => w.line)).toEqual([3]);
    }
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

  it('takes timestamps in seconds or milliseconds since 1970, and rejects others naming the line', () => {
    const log = [
      '{"metric": "a", "value": 1, "timestamp": 1700000000}',
      '{"metric": "b", "value": 2, "timestamp": 1700000000123}',
      '{"metric": "c", "value": 3, "timestamp": 1e20}',
      '{"metric": "d", "value": 4, "timestamp": -5}',
      '{"metric": "e", "value": 5, "timestamp": 0}',
    ].join('\n');
    const { metrics, warnings } = parse(log);
    expect(metrics.map((m) => [m.name, m.timestamp])).toEqual([
      ['a', 1700000000000],
      ['b', 1700000000123],
      ['e', 0],
    ]);
    expect(warnings).toEqual([
      { line: 3, message: 'rejected: "timestamp" of "c" must be seconds or milliseconds since 1970, or an ISO date, found 100000000000000000000' },
      { line: 4, message: 'rejected: "timestamp" of "d" must be seconds or milliseconds since 1970, or an ISO date, found -5' },
    ]);
  });

  it('rejects a step that a double cannot hold exactly, and takes no such epoch as the step', () => {
    const log = [
      '{"metric": "loss", "value": 1, "step": 9007199254740993}',
      '{"metric": "loss", "value": 2, "step": 1e20}',
      '{"metric": "loss", "value": 3, "step": 9007199254740991}',
      '{"metric": "loss", "value": 4, "epoch": 1e20}',
    ].join('\n');
    const { metrics, warnings } = parse(log);
    expect(metrics.map((m) => [m.value, m.step, m.epoch])).toEqual([
      [3, 9007199254740991, undefined],
      [4, undefined, 1e20],
    ]);
    expect(warnings.map((w) => w.line)).toEqual([1, 2]);
    expect(warnings[0]?.message).toBe(
      'rejected: "step" of "loss" must be an integer from -9007199254740991 to 9007199254740991 (a double holds no larger one exactly), found 9007199254740992',
    );
  });

  it('reads the metric object printed as a Python dict, and rejects it as it would the JSON', () => {
    const log = [
      "{'metric': 'loss', 'value': 0.5, 'step': 1}",
      "{'metric': 'val_acc', 'value': np.float64(0.75), 'epoch': 2, 'context': 'testing'}",
      "{'metric': 'grad', 'value': nan}",
      "{'metric': 'loss', 'value': '0.5'}",
      "{'metric': 'loss', 'value': None}",
      "{'metric': 'loss', 'value': [1, 2]}",
      "{'metric': '', 'value': 1}",
    ].join('\n');
    const { metrics, warnings } = parse(log);
    expect(metrics.map((m) => [m.name, m.value, m.step, m.epoch, m.context, m.format])).toEqual([
      ['loss', 0.5, 1, undefined, 'training', 'json'],
      ['val_acc', 0.75, 2, 2, 'testing', 'json'],
      ['grad', Number.NaN, undefined, undefined, 'training', 'json'],
    ]);
    expect(warnings).toEqual([
      { line: 4, message: 'rejected: "value" of "loss" must be a number, found a string ("0.5")' },
      { line: 5, message: 'rejected: "value" of "loss" must be a number, found null' },
      { line: 6, message: 'rejected: "value" of "loss" must be a number, found an array' },
      { line: 7, message: 'rejected: "metric" must be a non-empty name, found a string ("")' },
    ]);
  });
});
