import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedMetric } from '../../../src/model/point.js';
import { parseHfDictBytes, parseHfDictLine } from '../../../src/parse/formats/hf.js';
import { dictRanges } from '../../../src/parse/formats/hf-bytes.js';
import type { LineContext, MetricOutput } from '../../../src/parse/formats/line.js';
import { NameSlots } from '../../../src/parse/formats/names.js';
import { hfDictLines } from '../../helpers/hf-dicts.js';

const at: LineContext = { line: 7, rank: undefined, partial: false, timestamp: () => undefined };
// One for all lines, as the router keeps it: names found again by place must still be right.
const names = new NameSlots();

function collect(): MetricOutput & { points: ParsedMetric[] } {
  const points: ParsedMetric[] = [];
  return { points, metric: (m) => points.push({ ...m, valueText: undefined } as ParsedMetric), warning: () => {} };
}

/** The dict line's points from its bytes, or 'declined' when they are left to the text reader. */
function fromBytes(text: string) {
  const buf = Buffer.from(`x\n${text}\ny`);
  const out = collect();
  return parseHfDictBytes(buf, 2, buf.length - 2, dictRanges(), names, at, out) ? out.points : 'declined';
}

function fromText(text: string) {
  const out = collect();
  parseHfDictLine(text, at, out);
  return out.points;
}

describe('Hugging Face dict lines read from bytes', () => {
  it('give the points the text reader gives, or are left to it', () => {
    const dict = hfDictLines({ minEntries: 0, separators: [', ', ',', ' , '], tails: ['', ' ', '\t', 'x'] });
    let declined = 0;
    fc.assert(
      fc.property(dict, (text) => {
        const bytes = fromBytes(text);
        if (bytes === 'declined') declined++;
        else expect(bytes, text).toEqual(fromText(text));
      }),
      { numRuns: 2000 },
    );
    expect(declined).toBeLessThan(2000);
  });

  it('reads the Trainer’s own lines from bytes', () => {
    const line = "{'loss': 0.6943, 'grad_norm': 1.3333333333333333, 'learning_rate': 4.5e-05, 'epoch': 0.25}";
    expect(fromBytes(line)).toEqual(fromText(line));
    expect(fromBytes(line)).toHaveLength(3);
  });
});
