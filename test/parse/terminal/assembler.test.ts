import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestampValue } from '../../../src/parse/prefix.js';
import { type AssembledLine, LineAssembler } from '../../../src/parse/terminal/assembler.js';
import { MAX_REDRAW_BYTES } from '../../../src/parse/terminal/redraw.js';

interface Line {
  text: string;
  line: number;
  rank?: number;
  time?: number;
  partial: boolean;
  truncated: boolean;
}

/** The lines the assembler hands over for some bytes, pushed in chunks of `chunk` bytes (all at once by default), copies unless `inPlace`. */
function assemble(input: string | Buffer, chunk = Number.POSITIVE_INFINITY, inPlace = false): Line[] {
  const lines: Line[] = [];
  const assembler = new LineAssembler({
    line(buf: Buffer, start: number, end: number, info: AssembledLine) {
      const line: Line = { text: buf.toString('utf8', start, end), line: info.line, partial: info.partial, truncated: info.truncated };
      if (info.rank !== undefined) line.rank = info.rank;
      // Read now or left as bytes to read later: the time is the same.
      const time = info.timestamp ?? (info.tsEnd > 0 ? timestampValue(buf.toString('latin1', info.tsStart, info.tsEnd)) : undefined);
      if (time !== undefined) line.time = time;
      lines.push(line);
    },
  });
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  for (let at = 0; at < bytes.length; at += chunk) {
    const part = bytes.subarray(at, Math.min(bytes.length, at + chunk));
    assembler.push(inPlace ? part : Buffer.from(part));
  }
  assembler.end();
  return lines;
}

const finals = (input: string | Buffer, chunk?: number) =>
  assemble(input, chunk)
    .filter((l) => !l.partial)
    .map((l) => l.text);

describe('the terminal line assembler', () => {
  it('splits lines on newlines, numbers them from 1, and keeps an unterminated last line', () => {
    expect(assemble('a\nb\n\nc')).toEqual([
      { text: 'a', line: 1, partial: false, truncated: false },
      { text: 'b', line: 2, partial: false, truncated: false },
      { text: '', line: 3, partial: false, truncated: false },
      { text: 'c', line: 4, partial: false, truncated: false },
    ]);
  });

  it('takes the last redraw after \\r, and hands the earlier ones over as partial', () => {
    const lines = assemble('step 1\rstep 2\rstep 3\ndone\n');
    expect(lines.map((l) => [l.text, l.line, l.partial])).toEqual([
      ['step 1', 1, true],
      ['step 2', 1, true],
      ['step 3', 1, false],
      ['done', 2, false],
    ]);
  });

  it('reads CRLF as a newline', () => {
    expect(finals('one\r\ntwo\r\n')).toEqual(['one', 'two']);
  });

  it('does not let a blank redraw (a bar being cleared) erase the last one', () => {
    expect(finals('epoch 1: 100% loss=0.5\r              \r\n')).toEqual(['epoch 1: 100% loss=0.5']);
  });

  it('erases one character per \\b, a multi-byte character whole', () => {
    expect(finals('loss: 0.55\b6\n')).toEqual(['loss: 0.56']);
    expect(finals('abc━\bd\n')).toEqual(['abcd']);
  });

  it('reads backspacing over the whole line as a return to its start (Keras 1)', () => {
    const bar1 = ' 32/64 [==>...] - ETA: 0s - loss: 2.2577';
    const bar2 = '64/64 [======] - 0s - loss: 1.5713';
    const lines = assemble(`${bar1}${'\b'.repeat(bar1.length)}\r${bar2}\n`);
    expect(lines.map((l) => [l.text, l.partial])).toEqual([
      [bar1, true],
      [bar2, false],
    ]);
  });

  it('removes colours, CSI and OSC sequences', () => {
    expect(finals('\u001b[1m40/40\u001b[0m \u001b[32m━━\u001b[0m loss: 0.5\n')).toEqual(['40/40 ━━ loss: 0.5']);
    expect(finals('\u001b]0;window title\u0007text\u001b]8;;http://x\u001b\\link\n')).toEqual(['textlink']);
    expect(finals('\u001b(Bplain\u001b[?25l\n')).toEqual(['plain']);
  });

  it('ends the line drawn so far at a cursor move to another line, keeping the line number', () => {
    const lines = assemble('Epoch 0/2 loss: 0.7\r\n   val_loss: 0.73 \r\u001b[2K\u001b[1A\u001b[2KEpoch 1/2 loss: 0.68\r\n');
    expect(lines.filter((l) => !l.partial).map((l) => [l.text, l.line])).toEqual([
      ['Epoch 0/2 loss: 0.7', 1],
      ['   val_loss: 0.73 ', 2],
      ['Epoch 1/2 loss: 0.68', 2],
    ]);
  });

  it('replaces invalid UTF-8', () => {
    expect(finals(Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a]))).toEqual(['a\ufffd\ufffdb']);
  });

  it('gives the same lines whatever the chunk boundaries', () => {
    const input = `plain\r\n\u001b[1m 1/3\u001b[0m loss: 1\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\r\u001b[1m3/3\u001b[0m loss: 0.5\n[default1]:\rx\ry\n\u001b]0;t\u0007end`;
    const whole = assemble(input);
    for (const chunk of [1, 2, 3, 5, 7, 16]) expect(assemble(input, chunk)).toEqual(whole);
  });

  it('reads a rank tag at the start of the line even when the text after it is redrawn', () => {
    const lines = assemble('[default1]:\r 1/2 loss: 1\r2/2 loss: 0.5\n[rank3]:plain\n[1,2]<stdout>:mpi\n');
    expect(lines.filter((l) => !l.partial).map((l) => [l.text, l.rank])).toEqual([
      ['2/2 loss: 0.5', 1],
      ['plain', 3],
      ['mpi', 2],
    ]);
  });

  it('keeps at most 64 KiB of a line, and says the line was cut', () => {
    const long = 'x'.repeat(MAX_REDRAW_BYTES + 10);
    const [line] = assemble(`${long}\nnext\n`, 4096);
    expect(line?.truncated).toBe(true);
    expect(line?.text.length).toBe(MAX_REDRAW_BYTES);
    expect(assemble(`${long}\nnext\n`).at(-1)).toMatchObject({ text: 'next', line: 2, truncated: false });
  });

  it('takes the last redraw of an endless progress line without keeping the rest', () => {
    const redraws = Array.from({ length: 20_000 }, (_, i) => `\r${i}/20000 loss: ${i}`).join('');
    const lines = assemble(redraws, 1000);
    expect(lines.at(-1)).toMatchObject({ text: '19999/20000 loss: 19999', partial: false, line: 1 });
  });

  it('applies redraws and runs of backspaces of any length the same in one chunk, in small chunks, and at any offset', () => {
    const piece = fc.oneof(
      fc.nat(90).map((n) => '\b'.repeat(n)),
      fc.constantFrom('\r', '\r', '\n', 'é', ' ', '\t', '\t\n', '[rank1]:', '2024-05-01T12:00:00Z ', '\u001b[2K'),
      fc.string({ unit: fc.constantFrom(...'abc/=.-: 0123'), maxLength: 60 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.nat(3), (pieces, offset) => {
        const text = pieces.join('');
        // At an offset in a larger buffer, the chunk's words are not aligned.
        const shifted = Buffer.concat([Buffer.alloc(offset), Buffer.from(text)]).subarray(offset);
        // A line left blank (a prefix and nothing after it) may be handed over or not: no format reads it.
        const drawn = (lines: Line[]) => lines.filter((l) => l.text.trim() !== '');
        const whole = drawn(assemble(Buffer.from(text)));
        expect(drawn(assemble(shifted, Number.POSITIVE_INFINITY, true))).toEqual(whole);
        expect(drawn(assemble(Buffer.from(text), 5))).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });
});
