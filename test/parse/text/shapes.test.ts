// A line of a kept shape is read without being tokenized (text/shapes.ts). It must give what reading it in full
// gives: the same markers and pairs, and in a stream the same points, printed or as objects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOutputParser } from '../../../src/parse/index.js';
import { encodeMetricJson } from '../../../src/parse/jsonl.js';
import { createJsonlPrinter } from '../../../src/parse/jsonl-printer.js';
import { MetricRouter } from '../../../src/parse/router.js';
import { LineAssembler } from '../../../src/parse/terminal/assembler.js';
import { type LineMarkers, readMarkers } from '../../../src/parse/text/markers.js';
import { Pairs, readPairs } from '../../../src/parse/text/pairs.js';
import { LineShapes } from '../../../src/parse/text/shapes.js';
import { Tokens, tokenize } from '../../../src/parse/text/tokens.js';

const noMarkers = (): LineMarkers => ({ epoch: undefined, step: undefined, position: undefined, context: undefined, epochAt: -1, stepAt: -1, positionAt: -1 });

/** The markers and pairs of `line` read in full, with the positions and values of the tokens the pairs use. */
function readInFull(line: string) {
  const buf = Buffer.from(line);
  const t = new Tokens();
  const m = noMarkers();
  const p = new Pairs();
  tokenize(buf, 0, buf.length, t);
  readMarkers(t, m);
  readPairs(t, p);
  return { markers: m, pairs: pairsOf(p, t) };
}

function pairsOf(p: Pairs, t: Tokens) {
  return Array.from({ length: p.count }, (_, i) => {
    const k = p.token[i] as number;
    return {
      kind: p.kind[i],
      value: p.value[i],
      percent: p.percent[i],
      name: [p.nameStart[i], p.nameEnd[i], p.nameFlags[i]],
      token: [k, t.start[k], t.end[k], t.unitStart[k], t.unitEnd[k]],
    };
  });
}

/** Keeps `kept` as a shape, then reads `line` by it: its markers and pairs, or undefined when it is not of that shape. */
function readByShape(kept: string, line: string) {
  const shapes = new LineShapes();
  const t = new Tokens();
  const m = noMarkers();
  const p = new Pairs();
  const keptBuf = Buffer.from(kept);
  tokenize(keptBuf, 0, keptBuf.length, t);
  readMarkers(t, m);
  readPairs(t, p);
  if (p.count === 0) return undefined;
  shapes.keep(keptBuf, 0, keptBuf.length, t, m, p);
  const buf = Buffer.from(line);
  const shape = shapes.match(buf, 0, buf.length, t);
  if (shape === undefined) return undefined;
  const markers = noMarkers();
  shapes.replay(shape, 0, t, markers, p);
  return { markers, pairs: pairsOf(p, t) };
}

/** Digit runs that are not part of a word (`d2`, `top1`, an exponent). */
const numberDigits = /(?<![A-Za-z_@]\d*)\d+/g;

/** Each digit run (outside words) and each run of spaces of `template` replaced, by `digits` and `spaces`. */
function refill(template: string, digits: string[], spaces: number[]): string {
  let d = 0;
  let s = 0;
  return template.replace(new RegExp(`${numberDigits.source}| {2,}`, 'g'), (run) =>
    run[0] === ' ' ? ' '.repeat(spaces[s++ % spaces.length] as number) : (digits[d++ % digits.length] as string),
  );
}

const templates = [
  'iter 12: loss 3.4567, time 45.67ms, mfu 12.34%',
  ' iteration        6/  500000 | consumed samples:          384 | elapsed time per iteration (ms): 1955.9 | learning rate: 5.214453E-5 | lm loss: 4.055217E+0 | grad norm: 1.399 |',
  '[12/04 10:00:00 d2.utils.events]:  eta: 0:10:00  iter: 2  total_loss: 0.480  loss_cls: 0.5533  lr: 0.00072982  max_mem: 2320M',
  'Train: 3 [   3/1000 (  0%)]  Loss: 1.092 (5.349)  LR: 5.184e-4',
  'epoch 1 step 4 loss 0.39427 acc 0.3680',
  'Epoch [1/3], Step [10/23], Loss: 1.7871',
  'Test set: Average loss: 0.9069, Accuracy: 316/360 (88%)',
  'Train Epoch: 1 [640/60000 (1%)]\tLoss: 2.280898',
  'step 8 t 45ms p 85.20% m 3000M r 1.95it/s s 503us/step mem 12.3 GiB wait 0.00 seconds',
  '2026-11-23 14:05:01,123 - INFO - step 4 loss 0.25  acc  0.5',
  'epoch 3 loss -0.35 grad_norm 1.0E+01 lr 2.5e-05 big 1e999',
  // Numbers beside a comma, which shorter digits would make one thousands group.
  'step 5 | ids 1234,5678 | loss 0.5 | acc 1234,5',
];
/** Zero-padded numbers and thousands groups: kept only with their own digits (see the last test). */
const oddTemplate = 'epoch 3 loss 0.5 id 007 n 1,234';

describe('line shapes', () => {
  it('reads a line that differs from a kept one only in its numbers as reading it in full does', () => {
    for (const template of templates) {
      const line = template.replace(numberDigits, (run) => run.replace(/\d/g, (d) => String((Number(d) + 3) % 10 || 7)));
      expect(readByShape(template, line), line).toEqual(readInFull(line));
    }
  });

  it('reads lines whose digit runs and wide gaps differ in length as reading them in full does', () => {
    const digits = fc.array(fc.oneof(fc.constantFrom('0', '00', '007', '1', '10', '999999999999999999999'), fc.integer({ min: 0, max: 10 ** 7 }).map(String)), {
      minLength: 1,
      maxLength: 12,
    });
    const spaces = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 });
    let matched = 0;
    fc.assert(
      fc.property(fc.constantFrom(...templates, oddTemplate), digits, digits, spaces, (template, keptDigits, lineDigits, lineSpaces) => {
        const kept = refill(template, keptDigits, [2, 3]);
        const line = refill(template, lineDigits, lineSpaces);
        const byShape = readByShape(kept, line);
        if (byShape === undefined) return;
        matched++;
        expect(byShape, `${kept}\n${line}`).toEqual(readInFull(line));
      }),
      { numRuns: 2000 },
    );
    // Most pairs of lines are of one shape: the test reads many lines by their shape.
    expect(matched).toBeGreaterThan(200);
  });

  it('reads numbers beside commas, dots, colons, slashes and units as the tokenizer does, whatever their digits', () => {
    const cases: Array<[string, string]> = [
      ['step 5 ids 1234,5678 loss 0.5', 'step 5 ids 123,456 loss 0.5'],
      ['step 5 x 1234,5 loss 0.5', 'step 5 x 12,5 loss 0.5'],
      ['step 5 loss 0.5 v 1.2', 'step 5 loss 0.5 v 1.2'],
      ['step 5 at 10:30 loss 0.5', 'step 5 at 1:3 loss 0.5'],
      ['step 5 n 3/4 loss 0.5', 'step 5 n 30/40 loss 0.5'],
      ['step 5 t 12 ms loss 0.5', 'step 5 t 1234 ms loss 0.5'],
      ['step 5 loss 0.5;acc 7|lr 3)', 'step 15 loss 10.25;acc 70|lr 300)'],
      ['step 5 loss -0.5 acc 00', 'step 5 loss -10.5 acc 0'],
    ];
    for (const [kept, line] of cases) expect(readByShape(kept, line) ?? readInFull(line), `${kept}\n${line}`).toEqual(readInFull(line));
  });

  it('does not read a line by a shape whose words, units or number forms differ', () => {
    const kept = 'step 5 loss 0.5 time 12ms';
    for (const line of [
      'step 5 loss 0.5 time 12us',
      'step 5 loss 5 time 12ms',
      'step 5 loss 0.5e-3 time 12ms',
      'step 5 loss 0.5 time 12 ms',
      'step 5 Loss 0.5 time 12ms',
      'step 05 loss 0.5 time 12ms',
      'step 5 loss 0.5 time 12ms x',
    ])
      expect(readByShape(kept, line), line).toBeUndefined();
    // A line with a thousands group is kept as no shape.
    expect(readByShape(oddTemplate, oddTemplate)).toBeUndefined();
    expect(readByShape('step 5 loss 0.5 id 007', 'step 6 loss 0.7 id 042')).toBeDefined();
    expect(readByShape('step 5 loss 0.5 id 007', 'step 6 loss 0.7 id 42')).toBeUndefined();
    // A count of nothing gives no percentage: not the shape of a count of something.
    expect(readByShape('Accuracy: 3/10 (30%)', 'Accuracy: 0/0 (0%)')).toBeUndefined();
  });
});

/** The points of `text` read in full: the router with its hint kept, which reads every line in full. */
function inFull(text: string, keepsValueText = true): string {
  let out = '';
  const router = new MetricRouter({ metric: (m) => (out += `${encodeMetricJson(m)}\n`), warning: () => {}, keepsValueText }, {});
  const assembler = new LineAssembler(router);
  assembler.push(Buffer.from(text));
  assembler.end();
  router.end();
  return out;
}

/** What `runmeter parse --jsonl` prints (lines read by their shapes). */
function printed(text: string): string {
  const printer = createJsonlPrinter({}, () => {});
  return Buffer.concat([printer.push(Buffer.from(text)), printer.end()]).toString();
}

/** The agent's points (lines read by their shapes once the stream has given a point). */
function agentPoints(text: string): string {
  let out = '';
  const parser = createOutputParser({ metric: (m) => (out += `${encodeMetricJson(m)}\n`), warning: () => {} });
  parser.push(Buffer.from(text));
  parser.end();
  return out;
}

describe('streams of lines of a few shapes', () => {
  it('give the points that reading every line in full gives', () => {
    const digits = fc.array(fc.oneof(fc.constantFrom('0', '00', '05', '1'), fc.integer({ min: 0, max: 10 ** 6 }).map(String)), { minLength: 1, maxLength: 8 });
    const spaces = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });
    const line = fc.tuple(fc.constantFrom(...templates, oddTemplate, 'loading shard 00042 of 00512', '-- Epoch 3', 'loss 0.5epoch 2 loss 0.4'), digits, spaces);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), (lines) => {
        const text = `${lines.map(([template, d, s]) => refill(template, d, s)).join('\n')}\n`;
        const expected = inFull(text);
        expect(printed(text), text).toBe(expected);
        expect(agentPoints(text), text).toBe(inFull(text, false));
      }),
      { numRuns: 300 },
    );
  });
});
