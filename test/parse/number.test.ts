import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metricNumberAt, nearestDouble, parseMetricNumber } from '../../src/parse/number.js';

const fromBytes = (text: string) => {
  const buf = Buffer.from(`  ${text}  `, 'latin1');
  return metricNumberAt(buf, 2, buf.length - 2);
};

/** Decimals as logs print them, many digits and hard cases included. */
const decimal = fc.oneof(
  fc.double().map(String),
  fc.double().map((d) => d.toPrecision(17)),
  fc
    .tuple(
      fc.constantFrom('', '-', '+'),
      fc.stringMatching(/^\d{0,21}$/),
      fc.constantFrom('', '.'),
      fc.stringMatching(/^\d{0,21}$/),
      fc.constantFrom('', 'e', 'E-', 'e+'),
    )
    .chain(([sign, whole, point, fraction, e]) =>
      fc.integer({ min: 0, max: 330 }).map((x) => `${sign}${whole}${point}${fraction}${e === '' ? '' : `${e}${x}`}`),
    ),
  // Odd integers just above 2^53 lie halfway between two doubles.
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 60n }).map((n) => String(n | 1n)),
  fc.constantFrom('nan', '-NaN', 'INF', '+inf', '-Infinity', 'infinity', '__proto__', 'constructor', '.', '-', 'e5', '1e', '00012', '0.000', '-0', '5.', '.5'),
);

describe('metric numbers read from bytes', () => {
  it('are what parseMetricNumber makes of the same text, to the last bit', () => {
    fc.assert(
      fc.property(fc.oneof(decimal, fc.string({ maxLength: 12 }), fc.string({ unit: fc.constantFrom(...'0123456789.eE+-naif ') })), (text) => {
        expect(Object.is(fromBytes(text), parseMetricNumber(text)), text).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('round correctly above 2^53 without falling back to Number(), but for values on a midpoint', () => {
    // 0.14285714285714285: 17 significant digits, read as 14285714285714 × 10^3 + 285 over 10^17.
    expect(nearestDouble(14285714285714, 285, 3, -17)).toBe(0.14285714285714285);
    expect(nearestDouble(123456789012345, 6789, 4, 3)).toBe(Number('1.234567890123456789e21'));
    // 9007199254740993 = 2^53 + 1 is halfway between two doubles: only exact arithmetic can round it.
    expect(nearestDouble(900719925474099, 3, 1, 0)).toBeNaN();
    expect(fromBytes('9007199254740993')).toBe(9007199254740992);
  });

  it('do not take inherited property names for special values', () => {
    expect(parseMetricNumber('__proto__')).toBeUndefined();
    expect(fromBytes('__PROTO__')).toBeUndefined();
  });
});
