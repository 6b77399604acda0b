import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasProgress } from '../../../src/parse/formats/keras.js';
import { createOutputParser } from '../../../src/parse/index.js';
import { realFixtures } from '../../helpers/cli.js';
import { brief, fixtureLog, parse } from '../helpers.js';

const expected = (name: string): Array<{ name: string; value: string; epoch: number }> =>
  JSON.parse(fs.readFileSync(path.join(realFixtures, 'expected', `${name}.json`), 'utf8'));

describe('Keras progress lines', () => {
  for (const log of ['keras1_verbose1', 'keras1_verbose2', 'tfkeras2_verbose1', 'tfkeras2_verbose2', 'keras3_verbose1', 'keras3_verbose2']) {
    it(`gives one point per metric per epoch, val_ metrics included, on ${log}`, () => {
      const { metrics, warnings } = parse(fixtureLog(`${log}.log`));
      expect(warnings).toEqual([]);
      expect(metrics.map((m) => [m.name, m.value, m.epoch, m.format])).toEqual(expected(log).map((e) => [e.name, Number(e.value), e.epoch, 'keras']));
      expect(metrics.find((m) => m.name === 'val_loss')?.context).toBe('validation');
      expect(metrics.find((m) => m.name === 'loss')?.context).toBe('training');
    });
  }

  it('records per-batch running averages only when asked, at the fraction of the epoch they were printed', () => {
    const { metrics } = parse(fixtureLog('tfkeras2_verbose1.log'), { perBatch: true });
    const losses = metrics.filter((m) => m.name === 'loss');
    expect(losses).toHaveLength(3 * 40);
    expect(losses[0]).toMatchObject({ value: 2.2577, epoch: 0.025 });
    expect(losses[39]).toMatchObject({ value: 1.5713, epoch: 1 });
    expect(metrics.filter((m) => m.name === 'val_loss').map((m) => m.epoch)).toEqual([1, 2, 3]);
  });

  it('emits an epoch as soon as its final line is complete, not at the next epoch', () => {
    const got: string[] = [];
    const parser = createOutputParser({ metric: (m) => got.push(brief(m)) });
    parser.push(Buffer.from('Epoch 1/2\n\r 1/2 [==>...] - ETA: 0s - loss: 0.9\r2/2 [=====] - 0s - loss: 0.8 - val_loss: 0.7'));
    expect(got).toEqual([]);
    parser.push(Buffer.from('\n'));
    expect(got).toEqual(['loss@e1=0.8', 'val_loss@e1=0.7']);
  });

  it('does not take callback messages for progress, and reads names with digits and nan, inf values', () => {
    const log = [
      'Epoch 3/10',
      '10/10 [==============================] - 1s 5ms/step - loss: nan - dense_1_loss: inf - output_2_acc: 1.0000e-04 - val_loss: -inf',
      'Epoch 3: val_loss improved from 0.41 to 0.40, saving model to best.h5',
      'Epoch 00005: early stopping',
      'Epoch 3: ReduceLROnPlateau reducing learning rate to 0.0001.',
    ].join('\n');
    const { metrics } = parse(log);
    expect(metrics.map(brief)).toEqual(['loss@e3=NaN', 'dense_1_loss@e3=Infinity', 'output_2_acc@e3=0.0001', 'val_loss@e3=-Infinity']);
  });

  it('records each metric once per epoch when the final line is printed twice', () => {
    const log = 'Epoch 1/1\n5/5 [=====] - 0s - loss: 0.5\n5/5 [=====] - 1s - loss: 0.5 - val_loss: 0.4\n';
    expect(parse(log).metrics.map(brief)).toEqual(['loss@e1=0.5', 'val_loss@e1=0.4']);
  });

  it('does not give evaluate() after fit() the last epoch, and ignores per-batch lines printed on lines of their own', () => {
    const log = [
      'Epoch 2/2',
      ' 1/40 [>.....] - ETA: 1s - loss: 0.9',
      '40/40 [======] - 1s 2ms/step - loss: 0.3',
      ' 1/10 [>.....] - ETA: 0s - loss: 0.2',
      '10/10 [======] - 0s 1ms/step - loss: 0.25 - accuracy: 0.9',
    ].join('\n');
    expect(parse(log).metrics.map(brief)).toEqual(['loss@e2=0.3', 'loss=0.25', 'accuracy=0.9']);
  });

  it('follows the epoch of each rank separately', () => {
    const log = '[default0]:Epoch 1/2\n[default1]:Epoch 2/2\n[default0]:3/3 - 0s - loss: 0.5\n[default1]:3/3 - 0s - loss: 0.4\n';
    expect(parse(log).metrics.map((m) => [m.rank, m.epoch, m.value])).toEqual([
      [0, 1, 0.5],
      [1, 2, 0.4],
    ]);
  });

  it('reads the head of a progress line: a count, or a duration in Keras 1 verbose 2', () => {
    expect(readKerasProgress('0s - loss: 1.5713 - acc: 0.3715')?.values).toEqual([
      ['loss', 1.5713, '1.5713'],
      ['acc', 0.3715, '0.3715'],
    ]);
    expect(readKerasProgress('40/40 - 0s - 3us/step - loss: 1.0393')).toMatchObject({ count: '40/40', done: 40, total: 40, hasEta: false });
    expect(readKerasProgress('see https://x - y: not a number')).toBeUndefined();
    expect(readKerasProgress('loss: 0.5 - acc: 0.9')).toBeUndefined();
  });
});
