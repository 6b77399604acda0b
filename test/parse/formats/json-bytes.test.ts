import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newMetricLineRanges, scanAnyLayout, scanDumpsLayout } from '../../../src/parse/formats/json-bytes.js';

const ranges = newMetricLineRanges;

/** JSON metric lines as json.dumps writes them, and near misses. */
const line = fc
  .tuple(
    fc.constantFrom('{"metric": "', '{"metric":"', '{ "metric": "', '{"value": 1, "metric": "'),
    fc.constantFrom('loss', 'val_acc', '', 'é', 'a\\"b', 'a b'),
    fc.constantFrom('", "value": ', '", "value":', '","value": '),
    fc.constantFrom('0.5', '-1', '1e-05', '1E400', '2.', '0.14285714285714285', 'NaN', '"3"'),
    fc.constantFrom('', ', "step": 3', ', "epoch": 2.5', ', "step": 1e2', ', "step": 3, "epoch": 1', ', "context": "x"', ', "step" 3', ','),
    fc.constantFrom('}', '} ', '}\t', '}x', ''),
  )
  .map((parts) => parts.join(''));

describe('JSON metric lines in json.dumps layout', () => {
  it('are read to the same ranges as lines of any layout, or left to that reader', () => {
    let read = 0;
    fc.assert(
      fc.property(line, (text) => {
        const buf = Buffer.from(`${text}\n{"metric": "stale"}`);
        const end = Buffer.byteLength(text);
        const dumps = ranges();
        if (!scanDumpsLayout(buf, 0, end, dumps)) return;
        read++;
        const any = ranges();
        expect(scanAnyLayout(buf, 0, end, any), text).toBe(true);
        expect(dumps, text).toEqual(any);
      }),
      { numRuns: 3000 },
    );
    expect(read).toBeGreaterThan(10);
  });
});

describe('JSON metric lines with other keys', () => {
  const scan = (text: string) => {
    const r = ranges();
    const buf = Buffer.from(text);
    if (!scanAnyLayout(buf, 0, buf.length, r)) return undefined;
    return {
      name: buf.toString('utf8', r.nameStart, r.nameEnd),
      value: buf.toString('utf8', r.valueStart, r.valueEnd),
      step: r.stepStart < 0 ? undefined : buf.toString('utf8', r.stepStart, r.stepEnd),
      ascii: r.ascii,
    };
  };

  it('skips keys the reader does not use, whose values are numbers, strings, true, false or null', () => {
    expect(scan('{"metric": "loss", "value": 0.5, "step": 3, "pad": "x", "lr": -1e-3, "ok": true, "no": false, "n": null}')).toEqual({
      name: 'loss',
      value: '0.5',
      step: '3',
      ascii: true,
    });
    expect(scan('{"run": "é", "metric": "acc", "value": 1}')).toEqual({ name: 'acc', value: '1', step: undefined, ascii: true });
  });

  it('leaves to the full reader a timestamp, a nested value, an escape or a bad literal', () => {
    for (const text of [
      '{"metric": "loss", "value": 1, "timestamp": 5}',
      '{"metric": "loss", "value": 1, "extra": {"a": 1}}',
      '{"metric": "loss", "value": 1, "extra": [1]}',
      '{"metric": "loss", "value": 1, "note": "a\\"b"}',
      '{"metric": "loss", "value": 1, "flag": tru}',
      '{"metric": "loss", "value": 1, "flag": 01}',
      '{"metric": "loss", "value": 1, "step": 2, "step": 3}',
    ])
      expect(scan(text), text).toBeUndefined();
  });
});
