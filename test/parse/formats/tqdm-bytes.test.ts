import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BarReading } from '../../../src/parse/formats/bars.js';
import { readTqdmBar } from '../../../src/parse/formats/tqdm.js';
import { TqdmBytesReader } from '../../../src/parse/formats/tqdm-bytes.js';
import { pieceLines } from '../helpers.js';

const plain = (bar: BarReading | undefined | null) =>
  bar && { format: bar.format, family: bar.family, epoch: bar.epoch, done: bar.done, total: bar.total, values: bar.values, hasValues: bar.values.length > 0 };

/** readTqdmBar's reading, from the line's bytes (leading spaces and tabs skipped, as the router does); 'unsure' when only the text can tell. */
function fromBytes(reader: TqdmBytesReader, text: string) {
  const buf = Buffer.from(`x\n${text}\ny`);
  let start = 2;
  const end = buf.length - 2;
  while (start < end && (buf[start] === 0x20 || buf[start] === 0x09)) start++;
  const bar = reader.read(buf, start, end);
  if (bar === undefined) return 'unsure';
  return bar === null ? undefined : { ...plain(bar), hasValues: bar.hasValues };
}

/** Bars of tqdm's shapes, their near misses, and other lines that end with `]`. */
const barLines = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', 'epoch 3: ', 'Epoch 0:  ', 'Training: ', 'a: b: ', 'x|y: ', 'train', 'é: ', '\vepoch 1: ', 'epoch 2:'),
      fc.constantFrom('50%', '100%', '7%', '%', ''),
      fc.constantFrom('|█████     |', '|##########|', '||', '|a: 5%|', '|', '|x|y|'),
      fc.constantFrom(' 100/200', ' 4/4', '1.5k/2k', ' /5', ' 3', ' 5/10/20', ' 1/2]', '\u00a01/2', ' 1/2 '),
      fc.constantFrom(' [', '[', '  ['),
      fc.constantFrom('00:01<00:00, 9.0it/s', '00:01', '', 'a[b', '00:01<00:00, 1.2s/it'),
      fc.array(
        fc.tuple(
          fc.constantFrom('loss', 'acc', 'v_num', 'train_loss', 'a b', 'status', ' lr', '', 'é'),
          fc.constantFrom('=', ': ', ':', ' = '),
          fc.constantFrom('0.5', 'nan', '1.23e-5', 'ok', '', ' 2 ', '0.14285714285714285', '-inf'),
        ),
        { maxLength: 4 },
      ),
      fc.constantFrom(']', '] ', ']\u00a0', ''),
    )
    .map(([description, percent, bar, count, open, time, items, close]) => {
      const postfix = items.map(([name, sep, value]) => `, ${name}${sep}${value}`).join('');
      return `${description}${percent}${bar}${count}${open}${time}${postfix}${close}`;
    }),
  fc.constantFrom('1000it [00:01, 800.00it/s, loss=0.5]', 'epoch 3: 1000it [00:01, loss=0.5]', '[INFO] nothing to see [here]', 'a] [b]', '[]', ']'),
  pieceLines(['epoch ', ': ', '50%', '|', '█', ' 1/2', '/', ' [', '[', ']', '00:01', ', ', 'loss=0.5', '=', '\u00a0', 'x']),
);

describe('tqdm bars read from bytes', () => {
  it('are read as readTqdmBar reads their text, or left to it', () => {
    const reader = new TqdmBytesReader();
    let unsure = 0;
    fc.assert(
      fc.property(barLines, (text) => {
        const bytes = fromBytes(reader, text);
        if (bytes === 'unsure') unsure++;
        else expect(bytes, JSON.stringify(text)).toEqual(plain(readTqdmBar(text)));
      }),
      { numRuns: 5000 },
    );
    expect(unsure).toBeLessThan(2500);
  });

  it('reads tqdm’s own bars without decoding them, and rules out other lines that end with ]', () => {
    const reader = new TqdmBytesReader();
    for (const line of [
      'epoch 1: 100%|██████████| 200/200 [00:01<00:00, 187.98it/s, acc=0.995, loss=0.005]',
      ' 50%|█████     | 100/200 [00:01<00:01, 187.34it/s]',
      'Epoch 0: 100%|████| 4/4 [00:00<00:00, 9.0it/s, v_num=0, train_loss=0.7]',
    ]) {
      expect(fromBytes(reader, line), line).not.toBe('unsure');
      expect(fromBytes(reader, line), line).toEqual(plain(readTqdmBar(line)));
    }
    expect(fromBytes(reader, '2024-05-01 INFO saved checkpoint [step 300]')).toBeUndefined();
  });
});
