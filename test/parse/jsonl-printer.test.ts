import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMetricJson, isJsonNumber } from '../../src/parse/jsonl.js';
import { createJsonlPrinter } from '../../src/parse/jsonl-printer.js';
import type { ParseOptions } from '../../src/parse/types.js';
import { realFixtures } from '../helpers/cli.js';
import { hfDictLines } from '../helpers/hf-dicts.js';
import { fixtureLog, parse } from './helpers.js';

/** What the printer prints, and what encodeMetricJson makes of the parser's points, both read back as JSON. */
function both(input: Buffer, options: ParseOptions = {}, chunk = 7): { printed: unknown[]; encoded: unknown[]; warnings: [number, number] } {
  const warnings: number[] = [];
  const printer = createJsonlPrinter(options, (w) => warnings.push(w.line));
  const out: Buffer[] = [];
  for (let at = 0; at < input.length; at += chunk) out.push(printer.push(Buffer.from(input.subarray(at, at + chunk))));
  out.push(printer.end());
  const lines = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  const parsed = parse(input, options);
  return {
    printed: lines(Buffer.concat(out).toString()),
    encoded: lines(parsed.metrics.map((m) => `${encodeMetricJson(m)}\n`).join('')),
    warnings: [warnings.length, parsed.warnings.length],
  };
}

describe('the JSON Lines printer', () => {
  it('prints the same points as encodeMetricJson does for every fixture log', () => {
    for (const name of fs.readdirSync(path.join(realFixtures, 'logs'))) {
      const { printed, encoded } = both(fixtureLog(name));
      expect(printed, name).toEqual(encoded);
    }
  });

  it('prints JSON metric lines of any shape as the full reader reads them', () => {
    const key = (name: string, value: fc.Arbitrary<string>) => value.map((v) => `"${name}": ${v}`);
    const number = fc.oneof(
      fc.double({ noNaN: true }).map((d) => JSON.stringify(d) ?? 'NaN'),
      fc.integer({ min: -5, max: 5 }).map(String),
      fc.constantFrom('1e-05', '2.0', '-0', '-0.0', '1E400', '0.50', 'NaN', 'Infinity', '"3"', 'true', '1.5e+300'),
    );
    const name = fc.oneof(
      fc.constantFrom('"loss"', '"val_acc"', '"eval_x"', '"test_y"', '" "', '""', '"é"', '"a\\"b"'),
      fc.string().map((s) => JSON.stringify(s)),
    );
    const line = fc
      .tuple(
        key('metric', name),
        key('value', number),
        fc.option(key('step', number)),
        fc.option(key('epoch', number)),
        fc.option(key('context', fc.constantFrom('"testing"', '""', '"my context"'))),
        fc.constantFrom(', ', ',', ' ,  '),
        // Keys the reader does not use (a timestamp it does), with values it skips or leaves to JSON.parse.
        fc.option(
          fc.tuple(
            fc.constantFrom('"pad"', '"run"', '"timestamp"', '"é"', '"step "'),
            fc.constantFrom('"x"', '"é"', '1e3', 'true', 'null', '[1]', '{"a": 2}', '"a\\"b"'),
          ),
        ),
      )
      .chain(([m, v, s, e, c, sep, other]) =>
        fc
          .shuffledSubarray(
            [m, v, s, e, c, other === null ? null : `${other[0]}: ${other[1]}`].filter((x): x is string => x !== null),
            { minLength: 2 },
          )
          .map((parts) => `{${parts.join(sep)}}`),
      );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('', '[rank2]:', '2026-01-01T00:00:00Z '), line), { maxLength: 8 }), (lines) => {
        const input = Buffer.from(lines.map(([prefix, text]) => `${prefix}${text}\n`).join(''));
        const { printed, encoded, warnings } = both(input, {}, 13);
        expect(printed).toEqual(encoded);
        expect(warnings[0]).toBe(warnings[1]);
      }),
      { numRuns: 400 },
    );
  });

  it('prints Hugging Face dict lines of any shape as the dict reader reads them', () => {
    const dict = hfDictLines({ minEntries: 1 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('', '[default3]:'), dict), { maxLength: 6 }), (lines) => {
        const input = Buffer.from(lines.map(([prefix, text]) => `${prefix}${text}\n`).join(''));
        const { printed, encoded } = both(input, {}, 11);
        expect(printed).toEqual(encoded);
      }),
      { numRuns: 400 },
    );
  });

  it('tells JSON numbers from other number text', () => {
    for (const text of ['0', '-1', '0.5', '1e-05', '1.0000e-04', '12E+2']) expect(isJsonNumber(text), text).toBe(true);
    for (const text of ['', '-', '.5', '5.', '+1', '01', '1e', '1e400', 'nan', 'inf', '0x1', ' 1']) expect(isJsonNumber(text), text).toBe(false);
  });

  it("prints a numpy scalar's digits as printed, and a value of -0 as -0", () => {
    const printer = createJsonlPrinter({}, () => {});
    const input = '{\'eval_accuracy\': np.float64(0.8500), \'epoch\': 1.0}\n{"metric": "x", "value": -0.0, "step": 1}\n';
    const text = Buffer.concat([printer.push(Buffer.from(input)), printer.end()]).toString();
    expect(text).toBe(
      '{"name":"eval_accuracy","value":0.8500,"epoch":1,"context":"evaluation","line":1,"format":"hf"}\n{"name":"x","value":-0,"step":1,"context":"training","line":2,"format":"json"}\n',
    );
    expect(Object.is(JSON.parse(text.split('\n')[1] as string).value, -0)).toBe(true);
  });
});
