import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, FixedBytes } from '../../src/parse/byte-writer.js';

type Op =
  | { kind: 'fixed'; text: string }
  | { kind: 'copy'; text: string; before: number; after: number }
  | { kind: 'integer'; value: number }
  | { kind: 'take' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }).map((text) => ({ kind: 'fixed' as const, text })),
  fc
    .tuple(fc.string({ maxLength: 80 }), fc.nat(8), fc.nat(8))
    .map(([text, before, after]) => ({ kind: 'copy' as const, text: Buffer.from(text).toString('latin1'), before, after })),
  fc.oneof(fc.nat(), fc.constantFrom(0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 53)).map((value) => ({ kind: 'integer' as const, value })),
  fc.constant({ kind: 'take' as const }),
);

describe('the byte writer', () => {
  it('writes what the operations say, a word at a time or not, across growth and takes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.constantFrom(16, 64, 4096), (ops, capacity) => {
        const writer = new ByteWriter(capacity);
        const taken: Buffer[] = [];
        let expected = '';
        for (const o of ops) {
          if (o.kind === 'take') {
            taken.push(Buffer.from(writer.take()));
            continue;
          }
          if (o.kind === 'fixed') {
            writer.reserve(o.text.length);
            writer.fixed(new FixedBytes(o.text));
            expected += o.text;
          } else if (o.kind === 'copy') {
            // The copied bytes sit inside a buffer, at its very end or not (words must not be read past it).
            const src = Buffer.from(`${'<'.repeat(o.before)}${o.text}${'>'.repeat(o.after)}`, 'latin1');
            writer.reserve(o.text.length);
            writer.copy(src, o.before, o.before + o.text.length);
            expected += o.text;
          } else {
            writer.reserve(20);
            writer.integer(o.value);
            expected += String(o.value);
          }
        }
        taken.push(writer.take());
        expect(Buffer.concat(taken).toString('latin1')).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('writes fixed text that is not ASCII as UTF-8', () => {
    const writer = new ByteWriter(16);
    for (const text of ['{"name":"é_loss","value":', ',"unit":"µs"', '"日本"', 'a']) {
      const fixed = new FixedBytes(text);
      expect(fixed.length).toBe(Buffer.byteLength(text));
      writer.reserve(fixed.length);
      writer.fixed(fixed);
      expect(writer.take().toString('utf8')).toBe(text);
    }
  });
});
