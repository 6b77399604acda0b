import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { ParsedMetric } from '../../src/model/point.js';
import { createOutputParser } from '../../src/parse/index.js';
import type { ParseOptions, ParseWarning } from '../../src/parse/types.js';
import { realFixtures } from '../helpers/cli.js';

/** A real log from test/fixtures/real/logs, as bytes. */
export function fixtureLog(name: string): Buffer {
  return fs.readFileSync(path.join(realFixtures, 'logs', name));
}

export interface Parsed {
  metrics: ParsedMetric[];
  warnings: ParseWarning[];
}

/** Parses bytes (or text) in one push, or in chunks of the given sizes (cycled). */
export function parse(input: Buffer | string, options: ParseOptions = {}, chunkSizes?: number[]): Parsed {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const parsed: Parsed = { metrics: [], warnings: [] };
  const parser = createOutputParser({ metric: (m) => parsed.metrics.push(m), warning: (w) => parsed.warnings.push(w) }, options);
  if (chunkSizes === undefined || chunkSizes.length === 0) parser.push(bytes);
  else {
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
      const size = Math.max(1, chunkSizes[i % chunkSizes.length] as number);
      // A copy, so the parser cannot lean on bytes it was given earlier.
      parser.push(Buffer.from(bytes.subarray(at, at + size)));
      at += size;
    }
  }
  parser.end();
  return parsed;
}

/** `name@epoch=value` (or `@step`), for compact expectations. */
export function brief(metric: ParsedMetric): string {
  const x = metric.epoch !== undefined ? `@e${metric.epoch}` : metric.step !== undefined ? `@s${metric.step}` : '';
  return `${metric.name}${x}=${metric.value}`;
}

/** Lines made of the given pieces, in any order and number: near-misses of a format as much as hits. */
export function pieceLines(pieces: string[]): fc.Arbitrary<string> {
  return fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 })), { maxLength: 14 }).map((parts) => parts.join('').replace(/[\r\n]/g, ''));
}
