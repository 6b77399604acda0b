import { describe, expect, it } from 'vitest';
import { brief, parse } from '../helpers.js';

// Shapes of the formats seen in other versions and settings than the fixture logs.
describe('format variants', () => {
  it('reads standalone Keras 2 with samples counted and ETAs in minutes', () => {
    const bar = (n: number, eta: string, loss: string) =>
      `${String(n).padStart(5)}/60000 [==>...........................] - ETA: ${eta} - loss: ${loss} - acc: 0.9000`;
    const redraws = [bar(32, '5:12', '2.3026'), bar(30000, '1:02', '0.3000')].map((b) => `${b}${'\b'.repeat(b.length)}`).join('');
    const log = `Epoch 1/12\n${redraws}\r60000/60000 [==============================] - 83s 1ms/step - loss: 0.2442 - acc: 0.9251 - val_loss: 0.0531 - val_acc: 0.9829\n`;
    expect(parse(log).metrics.map(brief)).toEqual(['loss@e1=0.2442', 'acc@e1=0.9251', 'val_loss@e1=0.0531', 'val_acc@e1=0.9829']);
  });

  it('reads tf.keras verbose 2 with its per-epoch and per-step times', () => {
    const log = 'Epoch 5/5\n1875/1875 - 4s - loss: 0.0402 - accuracy: 0.9872 - lr: 1.0000e-03 - 4s/epoch - 2ms/step\n';
    expect(parse(log).metrics.map(brief)).toEqual(['loss@e5=0.0402', 'accuracy@e5=0.9872', 'lr@e5=0.001']);
  });

  it('reads Keras 3 on a terminal, colours and all', () => {
    const log =
      'Epoch 2/2\n\r\u001b[1m468/469\u001b[0m \u001b[32m━━━━━━━━━━━━━━━━━━━\u001b[0m\u001b[37m━\u001b[0m \u001b[1m0s\u001b[0m 4ms/step - accuracy: 0.9512 - loss: 0.1654\r\u001b[1m469/469\u001b[0m \u001b[32m━━━━━━━━━━━━━━━━━━━━\u001b[0m\u001b[37m\u001b[0m \u001b[1m2s\u001b[0m 5ms/step - accuracy: 0.9513 - loss: 0.1652 - val_accuracy: 0.9701 - val_loss: 0.0987\n';
    expect(parse(log).metrics.map(brief)).toEqual(['accuracy@e2=0.9513', 'loss@e2=0.1652', 'val_accuracy@e2=0.9701', 'val_loss@e2=0.0987']);
  });

  it('reads a Hugging Face dict printed through tqdm.write while a bar runs on a terminal', () => {
    const log =
      "\r  5%|▌         | 10/200 [00:01<00:19,  9.80it/s]\r                                                 \r{'loss': 0.6931, 'learning_rate': 5e-05, 'epoch': 0.05}\n\r  6%|▌         | 11/200 [00:01<00:19,  9.80it/s]";
    expect(parse(log).metrics.map(brief)).toEqual(['loss@e0.05=0.6931', 'learning_rate@e0.05=0.00005']);
  });

  it("reads Lightning's default tqdm bar written to a file, one point per metric per epoch", () => {
    const redraw = (epoch: number, n: number, postfix: string) => `\rEpoch ${epoch}: ${n}%|█| ${n}/100 [00:01<00:00, 90.12it/s, v_num=3, ${postfix}]`;
    const log = `${redraw(0, 50, 'train_loss=0.9')}${redraw(0, 100, 'train_loss=0.7')}${redraw(0, 100, 'train_loss=0.7, val_loss=0.8')}\n${redraw(1, 100, 'train_loss=0.5, val_loss=0.6')}\n`;
    expect(parse(log).metrics.map((m) => [brief(m), m.format])).toEqual([
      ['train_loss@e0=0.7', 'tqdm'],
      ['val_loss@e0=0.8', 'tqdm'],
      ['train_loss@e1=0.5', 'tqdm'],
      ['val_loss@e1=0.6', 'tqdm'],
    ]);
  });

  it('reads tqdm bars with a unit and scaled counts', () => {
    const log =
      '\rtrain: 100%|██████████| 100/100 [00:05<00:00, 19.23batch/s, loss=0.5]\n\rdownload: 100%|██████████| 1.20k/1.20k [00:01<00:00, 1.0kB/s, speed=3]\n';
    expect(parse(log).metrics.map(brief)).toEqual(['loss@s100=0.5', 'speed=3']);
  });

  it("reads LightGBM's early stopping summary as another point at the best iteration", () => {
    const log = [
      '[LightGBM] [Info] Number of positive: 3000, number of negative: 3000',
      "Training until validation scores don't improve for 5 rounds",
      "[1]\tvalid_0's auc: 0.9\tvalid_0's binary_logloss: 0.6",
      'Early stopping, best iteration is:',
      "[1]\tvalid_0's auc: 0.9\tvalid_0's binary_logloss: 0.6",
    ].join('\n');
    expect(parse(log).metrics.map(brief)).toEqual([
      "valid_0's auc@s1=0.9",
      "valid_0's binary_logloss@s1=0.6",
      "valid_0's auc@s1=0.9",
      "valid_0's binary_logloss@s1=0.6",
    ]);
  });

  it('reads JSON lines with more fields than the protocol names, and Python floats', () => {
    const log = '{"metric": "loss", "value": 1e-05, "step": 3, "unit": "nats"}\n{"metric": "lr", "value": 3.0000000000000004e-05, "epoch": 1}\n';
    expect(parse(log).metrics.map(brief)).toEqual(['loss@s3=0.00001', 'lr@e1=0.000030000000000000004']);
  });
});
