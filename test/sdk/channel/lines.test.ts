import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/sdk/channel/lines.js';

function split(chunks: string[], max?: number): { lines: string[]; refused: number } {
  const lines: string[] = [];
  let refused = 0;
  const splitter = new LineSplitter(
    (line) => lines.push(line),
    () => refused++,
    max,
  );
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  splitter.end();
  return { lines, refused };
}

describe('LineSplitter', () => {
  it('gives whole lines whatever the chunks, a UTF-8 character split between them included', () => {
    const text = '{"a":1}\n{"name":"вес"}\n\n{"b":2}';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const lines: string[] = [];
      const splitter = new LineSplitter(
        (line) => lines.push(line),
        () => {},
      );
      splitter.push(bytes.subarray(0, cut));
      splitter.push(bytes.subarray(cut));
      splitter.end();
      expect(lines).toEqual(['{"a":1}', '{"name":"вес"}', '{"b":2}']);
    }
  });

  it('refuses a line longer than the bound once, holds none of it, and reads the next line', () => {
    expect(split(['short\n', 'x'.repeat(30), 'y'.repeat(30), '\nafter\n'], 40)).toEqual({ lines: ['short', 'after'], refused: 1 });
    expect(split(['x'.repeat(50), '\nok\n'], 40)).toEqual({ lines: ['ok'], refused: 1 });
    expect(split([`${'x'.repeat(41)}\nok`], 40)).toEqual({ lines: ['ok'], refused: 1 });
  });
});
