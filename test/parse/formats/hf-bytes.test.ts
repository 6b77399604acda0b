import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedMetric } from '../../../src/model/point.js';
import { parseHfDictBytes, parseHfDictLine } from '../../../src/parse/formats/hf.js';
import { dictRanges } from '../../../src/parse/formats/hf-bytes.js';
import type { LineContext, MetricOutput } from '../../../src/parse/formats/line.js';
import { NameSlots } from '../../../src/parse/formats/names.js';

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
    const value = fc.oneof(
      fc.double({ noNaN: true }).map((d) => (Number.isFinite(d) ? String(d) : 'inf')),
      fc.integer({ min: -3, max: 3 }).map(String),
      fc.constantFrom(
        '0.6943',
        '4.531e-05',
        '1e-05',
        '2.0',
        '-0',
        '1.',
        '.5',
        '+1',
        '1e400',
        'nan',
        '0.14285714285714285',
        'True',
        "'x'",
        ' 1 ',
        'np.float64(0.85)',
        "tensor(0.5, device='cuda:0')",
        '[1, 2]',
      ),
    );
    const entry = fc.tuple(fc.constantFrom('loss', 'epoch', 'step', 'eval_loss', ' ', "it's", 'a"b', 'é', 'grad_norm'), value, fc.boolean());
    const dict = fc
      .tuple(fc.array(entry, { minLength: 0, maxLength: 6 }), fc.constantFrom(', ', ',', ' , '), fc.constantFrom('', ' ', '\t', 'x'))
      .map(
        ([entries, sep, tail]) =>
          `{${entries.map(([k, v, quoted]) => `${k.includes("'") ? `"${k}"` : `'${k}'`}: ${quoted && !v.startsWith("'") ? `'${v}'` : v}`).join(sep)}}${tail}`,
      );
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
