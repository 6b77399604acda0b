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
    const { lines, partial, partialOffset } = splitLog(response, () => seq++, 99);
    expect(lines.map((l) => [l.text, l.time])).toEqual([
      ['é one', 1],
      ['two', 2],
    ]);
    expect(partial).toBe('part');
    expect(partialOffset).toBe(100 + utf8Length('é one\ntwo\n'));
  });

  it('gives lines read before their arrival time is recorded the time it is told (the latest shown), not 0', () => {
    // runmeter writes the job's output to its file first and records its times up to 100 ms later: a live read in
    // between has bytes but no chunks. Given 0, the job's last line sorted to the top of a log that follows the end.
    const unrecorded = { runId: 'r', stream: 'stdout' as const, offset: 200, end: 220, size: 220, text: 'done after 9 steps\n', chunks: [] };
    let seq = 0;
    expect(splitLog(unrecorded, () => seq++, 1234).lines.map((l) => [l.text, l.time, l.offset])).toEqual([['done after 9 steps', 1234, 200]]);
    // Past the last recorded piece, a line takes that piece's time.
    const past = { ...unrecorded, offset: 190, text: 'step 9\ndone after 9 steps\n', chunks: [{ offset: 190, length: 7, time: 1000 }] };
    expect(splitLog(past, () => seq++, 1234).lines.map((l) => l.time)).toEqual([1000, 1000]);
  });

  it('counts UTF-8 bytes as the server does', () => {
    expect(utf8Length('aé✓😀')).toBe(1 + 2 + 3 + 4);
  });
});
