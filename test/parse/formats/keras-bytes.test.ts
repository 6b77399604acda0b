import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readKerasProgress } from '../../../src/parse/formats/keras.js';
import { EPOCH_HEADER, kerasScan, NOT_KERAS, PROGRESS, scanKerasLine, UNSURE } from '../../../src/parse/formats/keras-bytes.js';
import { pieceLines } from '../helpers.js';

/** What KerasParser reads in a line from its text: a header's epoch, a progress line, or nothing. */
function fromText(text: string) {
  const trimmed = text.trim();
  if (trimmed.startsWith('Epoch ')) {
    const header = /^Epoch (\d+)\/(\d+)$/.exec(trimmed);
    return header === null ? undefined : { epoch: Number(header[1]) };
  }
  const progress = readKerasProgress(trimmed);
  return progress && { ...progress, values: progress.values.map(([name, value]) => [name, value]) };
}

/** The same read from the line's bytes (leading spaces and tabs skipped, as the router does); 'unsure' when only the text can tell. */
function fromBytes(text: string) {
  const buf = Buffer.from(`x\n${text}\ny`);
  let start = 2;
  const end = buf.length - 2;
  while (start < end && (buf[start] === 0x20 || buf[start] === 0x09)) start++;
  const scan = kerasScan();
  const kind = scanKerasLine(buf, start, end, scan);
  if (kind === UNSURE) return 'unsure';
  if (kind === NOT_KERAS) return undefined;
  if (kind === EPOCH_HEADER) return { epoch: scan.epoch };
  const values = [];
  for (let v = 0; v < scan.count; v++) values.push([buf.toString('utf8', scan.spans[v * 4], scan.spans[v * 4 + 1]), scan.values[v]]);
  const count = scan.countEnd < 0 ? undefined : buf.toString('latin1', start, scan.countEnd);
  return { count, done: scan.done, total: scan.total, hasEta: scan.hasEta, values };
}

/** Lines near Keras's shapes: headers, progress lines of every version, callbacks, and junk made of their pieces. */
const kerasLines = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', ' ', '\t', '\u00a0', '\v'),
      fc.constantFrom('40/40', ' 5/40', '12/Unknown', '3/3', '1/2x', '1234567890123456/2', '0s', '1h 2m 3s', '12ms', '5/'),
      fc.constantFrom(' [==============================]', ' ━━━━━━━━━━', '', ' [==>...]'),
      fc.constantFrom(' - 1s 2ms/step', ' - ETA: 0s', ' - 0s', '', ' - 3us/step'),
      fc.array(
        fc.tuple(
          fc.constantFrom('loss', 'val_loss', 'dense_1_acc', 'ETA', 'a b', '1x', 'lr', 'é'),
          fc.constantFrom(': ', ':', ' : ', ':  '),
          fc.constantFrom('0.4097', '1.0000e-04', 'nan', '-inf', '0.14285714285714285', 'x', '', '1s', '5 ', '\u00a0'),
        ),
        { maxLength: 5 },
      ),
      fc.constantFrom('', ' ', '\u00a0', ' -', ' - '),
    )
    .map(([lead, head, bar, mid, parts, tail]) => `${lead}${head}${bar}${mid}${parts.map(([n, s, v]) => ` - ${n}${s}${v}`).join('')}${tail}`),
  fc.constantFrom('Epoch 3/10', 'Epoch 3/10  ', 'Epoch 3: val_loss improved', 'Epoch 00005: early stopping', 'Epoch 12345678901234567/2', 'Epoch 1/', 'Epoch'),
  pieceLines(['Epoch ', '1', '40', '/', ' - ', ': ', 'loss', 'ETA', '0.5', 'nan', '[', ']', '━', ' ', '\u00a0', 's', 'Unknown', 'x']),
);

describe('Keras lines read from bytes', () => {
  it('are read as KerasParser reads their text, or left to it', () => {
    let unsure = 0;
    fc.assert(
      fc.property(kerasLines, (text) => {
        const bytes = fromBytes(text);
        if (bytes === 'unsure') unsure++;
        else expect(bytes, JSON.stringify(text)).toEqual(fromText(text));
      }),
      { numRuns: 5000 },
    );
    // Only lines with non-ASCII characters where they could be whitespace, or huge numbers, are left to the text.
    expect(unsure).toBeLessThan(2000);
  });

  it('reads the lines of every Keras version without decoding them', () => {
    for (const line of [
      'Epoch 3/10',
      '40/40 [==============================] - 1s 2ms/step - loss: 0.4097 - accuracy: 0.8715 - val_loss: 0.3312',
      '40/40 ━━━━━━━━━━━━━━━━━━━━ 0s 15us/step - loss: 1.0393 - val_loss: 1.1432 - learning_rate: 1.0000e-04',
      '40/40 - 0s - loss: 1.5713 - accuracy: 0.3715',
      '0s - loss: 1.5713 - acc: 0.3715',
      ' 5/40 [===>..........................] - ETA: 0s - loss: 0.9000',
    ]) {
      expect(fromBytes(line), line).not.toBe('unsure');
      expect(fromBytes(line), line).toEqual(fromText(line));
    }
    expect(scanKerasLine(Buffer.from('INFO step 3: ok'), 0, 15, kerasScan())).toBe(NOT_KERAS);
    expect(scanKerasLine(Buffer.from('1/2 - loss: 3'), 0, 13, kerasScan())).toBe(PROGRESS);
  });
});
