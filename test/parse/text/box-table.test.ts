// Stable-Baselines3's box (`| rollout/ep_rew_mean | -1.2e+03 |` rows between dashed rules): the first look by bytes
// (BoxTable.mayBe) passes every line the reader of strings would take.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LineContext } from '../../../src/parse/formats/line.js';
import { BoxTable } from '../../../src/parse/text/box-table.js';

const at: LineContext = { line: 1, rank: undefined, partial: false, timestamp: () => undefined };
const sink = { metric: () => {}, warning: () => {} };

describe('BoxTable.mayBe', () => {
  it('rules out only lines that are no line of a box, of those that start with | or -', () => {
    const line = fc.oneof(
      fc.stringMatching(/^[-| a-z/_0-9.e+]{0,40}$/),
      fc.array(fc.constantFrom('-', '|', ' ', '\t', 'rollout/', 'x', '1.5', '- INFO - '), { maxLength: 16 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(line, (text) => {
        const bytes = Buffer.from(text);
        const may = BoxTable.mayBe(bytes, 0, bytes.length);
        // Only a line that starts with `|` or `-` is tried, as before: a box's lines start at the margin.
        if (bytes[0] !== 0x7c && bytes[0] !== 0x2d) expect(may).toBe(false);
        else if (!may) expect(new BoxTable(sink).line(text, at)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('passes rules and rows, and not a logging prefix left by a timestamp', () => {
    const may = (text: string) => BoxTable.mayBe(Buffer.from(text), 0, Buffer.byteLength(text));
    expect(may('--------------------------------------')).toBe(true);
    expect(may('--------')).toBe(true);
    expect(may('| time/fps | 1234 |')).toBe(true);
    expect(may('- INFO - dataloader worker 4 prefetched batch 12')).toBe(false);
    expect(may('-------')).toBe(false);
    expect(may('---- epoch 3 ----')).toBe(false);
  });
});
