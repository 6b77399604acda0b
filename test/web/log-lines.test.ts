import { describe, expect, it } from 'vitest';
import { splitLog, terminalText, utf8Length } from '../../web/src/components/log-lines.js';

describe('log lines', () => {
  it('shows what a terminal shows: the last redraw, erased characters, no escape codes', () => {
    expect(terminalText('10%|█   | 1/10\r50%|████ | 5/10\r100%|█████| 10/10')).toBe('100%|█████| 10/10');
    expect(terminalText('abc\bd')).toBe('abd');
    expect(terminalText('\x1b[31mred\x1b[0m and \x1b]0;title\x07plain')).toBe('red and plain');
    expect(terminalText('longer line\rshort')).toBe('shortr line');
    expect(terminalText('crlf line\r')).toBe('crlf line');
  });

  it('gives each line the arrival time of its first byte, and keeps a line still being written apart', () => {
    const response = {
      runId: 'r',
      stream: 'stdout' as const,
      offset: 100,
      end: 117,
      size: 117,
      text: 'é one\ntwo\npart',
      // "é one\n" is 7 bytes: "two" starts the second piece.
      chunks: [
        { offset: 100, length: 7, time: 1 },
        { offset: 107, length: 10, time: 2 },
      ],
    };
    let seq = 0;
    const { lines, partial, partialOffset } = splitLog(response, () => seq++);
    expect(lines.map((l) => [l.text, l.time])).toEqual([
      ['é one', 1],
      ['two', 2],
    ]);
    expect(partial).toBe('part');
    expect(partialOffset).toBe(100 + utf8Length('é one\ntwo\n'));
  });

  it('counts UTF-8 bytes as the server does', () => {
    expect(utf8Length('aé✓😀')).toBe(1 + 2 + 3 + 4);
  });
});
