import { describe, expect, it } from 'vitest';
import { type LinePrefixes, readPrefixes, timestampValue } from '../../src/parse/prefix.js';
import { parse } from './helpers.js';

function prefixes(text: string): { rest: string; rank: number | undefined; timestamp: string | undefined } {
  const buf = Buffer.from(text);
  const out: LinePrefixes = { rank: undefined, tsStart: 0, tsEnd: 0 };
  const start = readPrefixes(buf, 0, buf.length, out);
  return { rest: buf.toString('utf8', start), rank: out.rank, timestamp: out.tsEnd > 0 ? buf.toString('utf8', out.tsStart, out.tsEnd) : undefined };
}

describe('line prefixes', () => {
  it('strips the rank tags of torchrun --tee, [rankN]: and Open MPI --tag-output', () => {
    expect(prefixes('[default0]:hello')).toEqual({ rest: 'hello', rank: 0, timestamp: undefined });
    expect(prefixes('[rank12]:{"metric": "x"}')).toMatchObject({ rest: '{"metric": "x"}', rank: 12 });
    expect(prefixes('[1,3]<stdout>:text')).toMatchObject({ rest: 'text', rank: 3 });
    expect(prefixes('[1,3]<stderr>:text')).toMatchObject({ rest: 'text', rank: 3 });
  });

  it('leaves look-alikes alone', () => {
    for (const text of ['[default]:x', '[rank1] x', '[1,2]x', '[10]\tloss:1', '[LightGBM] [Info]', '[1,2]<stdout>x']) {
      expect(prefixes(text)).toEqual({ rest: text, rank: undefined, timestamp: undefined });
    }
  });

  it('strips a leading ISO timestamp, before or after a rank tag', () => {
    expect(prefixes('2026-11-23T07:13:41.887123456Z [default1]:x')).toEqual({ rest: 'x', rank: 1, timestamp: '2026-11-23T07:13:41.887123456Z' });
    expect(prefixes('[rank0]:2026-11-23 07:13:41,887 msg')).toEqual({ rest: 'msg', rank: 0, timestamp: '2026-11-23 07:13:41,887' });
    expect(prefixes('2026-11-23 07:13:41+02:00 msg')).toMatchObject({ rest: 'msg', timestamp: '2026-11-23 07:13:41+02:00' });
    expect(prefixes('2026-11-23 is a date')).toMatchObject({ rest: '2026-11-23 is a date', timestamp: undefined });
  });

  it('reads timestamps as ms since the epoch', () => {
    expect(timestampValue('2026-11-23T07:13:41.887123456Z')).toBe(Date.UTC(2026, 10, 23, 7, 13, 41, 887));
    expect(timestampValue('2026-11-23 07:13:41,5+02:00')).toBe(Date.UTC(2026, 10, 23, 5, 13, 41, 500));
  });

  it('gives points the rank and time of their line', () => {
    const { metrics } = parse('2026-11-23T07:13:41Z [1,0]<stdout>:{"metric": "loss", "value": 1}\n');
    expect(metrics[0]).toMatchObject({ rank: 0, timestamp: Date.UTC(2026, 10, 23, 7, 13, 41) });
  });

  it('reads nothing past the end of the line, where a reused buffer may still hold an older one', () => {
    for (const [text, end] of [
      ['[rank2]:x', 6],
      ['[1,3]<stdout>:x', 13],
      ['2026-11-23T07:13:41Z x', 19],
      ['2026-11-23 07:13:41 x', 19],
    ] as const) {
      const out: LinePrefixes = { rank: undefined, tsStart: 0, tsEnd: 0 };
      expect(readPrefixes(Buffer.from(text), 0, end, out), text).toBe(0);
      expect(out).toMatchObject({ rank: undefined, tsEnd: 0 });
    }
  });
});
