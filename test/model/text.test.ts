import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clip, closestMatches, editDistance, escapeControl, jsonString } from '../../src/model/text.js';

/** The textbook Levenshtein distance, all cells computed: what the banded one must agree with. */
function fullDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  return (rows[a.length] as number[])[b.length] as number;
}

describe('text', () => {
  it('escapes control characters: C0, DEL, C1, bidi overrides', () => {
    expect(escapeControl('plain text, 損失')).toBe('plain text, 損失');
    expect(escapeControl('a\u001b]52;c;x\u0007b')).toBe('a\\x1b]52;c;x\\x07b');
    expect(escapeControl('1\n2\r3\t4\u007f5\u009b6\u202e7')).toBe('1\\n2\\r3\\t4\\x7f5\\x9b6\\u202e7');
  });

  it('writes JSON strings a terminal cannot act on, that still parse back to the same text', () => {
    const text = 'a\u001b\u009b\u202e\u2028\u007fz';
    const json = jsonString(text);
    expect(json).toBe('"a\\u001b\\u009b\\u202e\\u2028\\u007fz"');
    expect(JSON.parse(json)).toBe(text);
  });

  it('bounded edit distance agrees with the full one up to the bound', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.integer({ min: 0, max: 6 }), (a, b, max) => {
        const full = fullDistance(a, b);
        expect(editDistance(a, b)).toBe(full);
        expect(editDistance(a, b, max)).toBe(Math.min(full, max + 1));
      }),
    );
  });

  it('suggests close names, and gives a 15 KB id no suggestion instead of comparing it in full', () => {
    const names = ['resnet50', 'resnet18', 'bert-base', 'mnist'];
    expect(closestMatches('resnet5O', names)).toEqual(['resnet50', 'resnet18']);
    expect(closestMatches('mnst', names)).toEqual(['mnist']);
    const huge = 'x'.repeat(15_000);
    expect(
      closestMatches(
        huge,
        Array.from({ length: 5000 }, (_, i) => `run-${i}`),
      ),
    ).toEqual([]);
    // Past the bound the distance is not computed: the answer is bound + 1, whatever the real distance.
    expect(editDistance(huge, 'run-1', 8)).toBe(9);
  });

  it('clips long text for messages', () => {
    expect(clip('short')).toBe('short');
    expect(clip('x'.repeat(15_000))).toHaveLength(80);
  });
});
