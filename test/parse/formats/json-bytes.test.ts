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
