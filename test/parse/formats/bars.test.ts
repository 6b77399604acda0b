import { describe, expect, it } from 'vitest';
import { readRichBar, readWrappedValues } from '../../../src/parse/formats/lightning.js';
import { readTqdmBar } from '../../../src/parse/formats/tqdm.js';
import { brief, fixtureLog, parse } from '../helpers.js';

describe('tqdm bars', () => {
  it('takes the postfix of each bar’s final redraw, with the epoch its description names', () => {
    const { metrics } = parse(fixtureLog('tqdm.stderr'));
    expect(metrics.map((m) => [brief(m), m.format, m.line])).toEqual([
      ['acc@e0=0.995', 'tqdm', 1],
      ['loss@e0=0.005', 'tqdm', 1],
      ['acc@e1=0.995', 'tqdm', 2],
      ['loss@e1=0.005', 'tqdm', 2],
    ]);
  });

  it('gives every redraw with --per-batch', () => {
    const { metrics } = parse(fixtureLog('tqdm.stderr'), { perBatch: true });
    expect(metrics.length).toBeGreaterThan(400);
  });

  it('keeps the values of a bar cleared when it closes (leave=False), for each bar on the same line', () => {
    const bar = (n: number, loss: number) => `\r 100%|██████████| ${n}/${n} [00:01<00:00, 9.00it/s, loss=${loss}]`;
    const log = `${bar(10, 0.5)}\r                    \r${bar(10, 0.4)}\r                    \r`;
    expect(parse(log).metrics.map(brief)).toEqual(['loss@s10=0.5', 'loss@s10=0.4']);
  });

  it('waits for an epoch bar’s last redraw: Lightning adds val_loss to the finished bar after validation', () => {
    const redraw = (epoch: number, n: number, postfix: string) =>
      `\rEpoch ${epoch}: ${Math.round((n / 4) * 100)}%|████| ${n}/4 [00:00<00:00, 9.0it/s, v_num=0, ${postfix}]`;
    const log = `${redraw(0, 4, 'train_loss=0.7')}\n\r Validation: 50%|██ | 1/2 [00:00<00:00]\u001b[A${redraw(0, 4, 'train_loss=0.7, val_loss=0.65')}${redraw(1, 1, 'train_loss=0.6, val_loss=0.65')}${redraw(1, 4, 'train_loss=0.5, val_loss=0.6')}\n`;
    expect(parse(log).metrics.map(brief)).toEqual(['train_loss@e0=0.7', 'val_loss@e0=0.65', 'train_loss@e1=0.5', 'val_loss@e1=0.6']);
  });

  it('reads bars with and without a total, and only number values', () => {
    expect(readTqdmBar('Training: 100%|##########| 50/50 [00:02<00:00, 24.1it/s, loss=1.23e-5, status=ok]')).toMatchObject({
      family: 'Training',
      done: 50,
      total: 50,
      values: [['loss', 1.23e-5]],
    });
    expect(readTqdmBar('epoch 3: 1000it [00:01, 800.00it/s, loss=0.5]')).toMatchObject({ epoch: 3, done: 1000, values: [['loss', 0.5]] });
    expect(readTqdmBar('[INFO] nothing to see [here]')).toBeUndefined();
  });
});

describe('Lightning’s rich progress bar', () => {
  it('reads train_loss from the bar and val_loss from the wrapped line below it, when written to a file', () => {
    const { metrics } = parse(fixtureLog('lightning.stdout'));
    expect(metrics.map((m) => [brief(m), m.format, m.context])).toEqual([
      ['train_loss@e2=0.695', 'lightning', 'training'],
      ['val_loss@e2=0.699', 'lightning', 'validation'],
    ]);
    expect(parse(fixtureLog('lightning.stderr')).metrics).toEqual([]);
  });

  it('follows the bar redrawn in place on a terminal, one point per metric per epoch', () => {
    const { metrics } = parse(fixtureLog('lightning_tty.typescript'));
    expect(metrics.map(brief)).toEqual([
      'train_loss@e0=0.708',
      'val_loss@e0=0.73',
      'train_loss@e1=0.693',
      'val_loss@e1=0.715',
      'train_loss@e2=0.684',
      'val_loss@e2=0.706',
    ]);
  });

  it('reads a bar’s count and values, and lines that hold only values', () => {
    expect(readRichBar('Epoch 2/2  ━━━━━━━━ 32/32 0:00:00 • 0:00:00 214.54it/s train_loss: 0.695 v_num: 1')).toMatchObject({
      epoch: 2,
      done: 32,
      total: 32,
      values: [['train_loss', 0.695]],
    });
    expect(readRichBar('Epoch 2/2')).toBeUndefined();
    expect(readWrappedValues('        val_loss: 0.699  val_acc: 0.5 ')).toEqual([
      ['val_loss', 0.699],
      ['val_acc', 0.5],
    ]);
    expect(readWrappedValues('       0:00:01       ')).toBeUndefined();
  });
});
