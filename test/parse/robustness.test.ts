import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOutputParser } from '../../src/parse/index.js';
import { realFixtures } from '../helpers/cli.js';
import { fixtureLog, parse } from './helpers.js';

const logs = fs.readdirSync(path.join(realFixtures, 'logs'));
const okLine = '{"metric": "ok", "value": 1, "step": 7}\n';

/** Bytes that look like what terminals and progress bars write, junk included. */
const terminalBytes = fc.array(
  fc.oneof(
    fc.constantFrom(
      '\r',
      '\b',
      '\u001b[',
      '\u001b]',
      '\u001b[2K',
      '\u001b[1A',
      '\u0007',
      '[default1]:',
      '{"metric"',
      "{'loss': ",
      'Epoch 1/3',
      ' - loss: ',
      '%|',
      ']',
      '━',
    ),
    fc.string(),
    fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  ),
  { maxLength: 60 },
);

describe('robustness', () => {
  it('never throws on random bytes, in any chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 8 }), fc.boolean(), (bytes, chunks, perBatch) => {
        parse(Buffer.from(bytes), { perBatch }, chunks);
      }),
      { numRuns: 300 },
    );
  });

  it('parses the rest of the log whatever one line holds', () => {
    fc.assert(
      fc.property(terminalBytes, fc.boolean(), (parts, perBatch) => {
        const junk = Buffer.from(parts.join('').replace(/\n/g, ''), 'latin1');
        const { metrics } = parse(Buffer.concat([junk, Buffer.from(`\n${okLine}`)]), { perBatch });
        const ok = metrics.filter((m) => m.name === 'ok');
        expect(ok).toEqual([{ name: 'ok', value: 1, step: 7, line: 2, format: 'json', context: 'training' }]);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same points for every real log whatever the chunk boundaries', () => {
    const whole = new Map(logs.map((name) => [name, { plain: parse(fixtureLog(name)), perBatch: parse(fixtureLog(name), { perBatch: true }) }]));
    fc.assert(
      fc.property(fc.constantFrom(...logs), fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 10 }), (name, chunks) => {
        const expected = whole.get(name);
        expect(parse(fixtureLog(name), {}, chunks)).toEqual(expected?.plain);
        expect(parse(fixtureLog(name), { perBatch: true }, chunks)).toEqual(expected?.perBatch);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps memory bounded on a 50 MB line without a newline, and reads the line after it', () => {
    const metrics: string[] = [];
    const parser = createOutputParser({ metric: (m) => metrics.push(m.name) });
    const chunk = Buffer.alloc(64 * 1024, 'progress ');
    global.gc?.();
    const before = process.memoryUsage();
    for (let sent = 0; sent < 50 * 1024 * 1024; sent += chunk.length) parser.push(chunk);
    const after = process.memoryUsage();
    parser.push(Buffer.from(`\n${okLine}`));
    parser.end();
    expect(metrics).toEqual(['ok']);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(4 * 1024 * 1024);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(32 * 1024 * 1024);
  });

  it('keeps memory bounded on 20 MB of progress redraws without a newline, taking the last one', () => {
    const got: number[] = [];
    const parser = createOutputParser({ metric: (m) => got.push(m.value) });
    let step = 0;
    const redraws = () => {
      let text = '';
      for (let i = 0; i < 1000; i++) text += `\r${++step}/400000 [====>....] - ETA: 1s - loss: ${step}`;
      return Buffer.from(text);
    };
    const before = process.memoryUsage();
    let sent = 0;
    while (sent < 20 * 1024 * 1024) {
      const bytes = redraws();
      parser.push(bytes);
      sent += bytes.length;
    }
    const after = process.memoryUsage();
    parser.push(Buffer.from(`\r${step}/${step} [==========] - 9s - loss: 0.5\n`));
    parser.end();
    expect(got).toEqual([0.5]);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(4 * 1024 * 1024);
  });

  it('handles a million different metric names without keeping them', () => {
    let count = 0;
    const parser = createOutputParser({ metric: () => count++ });
    // vitest's workers have no global gc: get V8's own, so the heap is measured after a full collection each time.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let block = 0; block < 1000; block++) {
      let text = `Epoch ${block + 1}/1000\n10/10 - 0s`;
      for (let i = 0; i < 500; i++) text += ` - m${block}_${i}: ${i}`;
      text += '\n{';
      for (let i = 0; i < 500; i++) text += `${i ? ', ' : ''}'h${block}_${i}': ${i}`;
      text += '}\n';
      parser.push(Buffer.from(text));
    }
    parser.end();
    gc();
    expect(count).toBe(1_000_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('long lines', () => {
  it('warns about a metric line too long to parse, not about long lines of anything else', () => {
    const long = `{"metric": "x", "value": 1, "note": "${'y'.repeat(70_000)}"}\n${'z'.repeat(70_000)}\n{"metric": "ok", "value": 2}\n`;
    const { metrics, warnings } = parse(long, {}, [4096]);
    expect(metrics.map((m) => m.name)).toEqual(['ok']);
    expect(warnings).toEqual([{ line: 1, message: 'rejected: longer than 64 KiB, not parsed for metrics' }]);
  });
});
