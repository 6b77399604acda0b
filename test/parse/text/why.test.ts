// The cases issue 13's "Why" lists, as users printed them: each gave no points before the generic reader (text).
import { describe, expect, it } from 'vitest';
import { brief, parse } from '../helpers.js';

/** `name@x=value` of every point the text reader gave for `text`. */
function read(text: string): string[] {
  return parse(text).metrics.map(brief);
}

describe('the generic metric-line reader on what users printed (issue 13)', () => {
  it('reads a metric word inside a name, and a timm position, after the stream gave its first point, as parse --jsonl does', () => {
    // The agent's parser ruled lines out by whole words once a stream had given a point, so `total_loss` and timm's
    // `Train: 0 [ 5/10 ( 50%)]` lines were dropped by `runmeter run` while `runmeter parse` read them.
    expect(read('epoch 1 loss 0.5\ntotal_loss: 0.3\nTrain: 0 [ 5/10 ( 50%)]  foo: 3\n')).toEqual(['loss@e1=0.5', 'total_loss@e1=0.3', 'foo@e0=3']);
  });

  it('reads a plain print: epoch 1 loss 1.6989', () => {
    expect(read('epoch 1 loss 1.6989\nepoch 2 loss 1.2\n')).toEqual(['loss@e1=1.6989', 'loss@e2=1.2']);
  });

  it('reads pytorch/examples mnist/main.py train and test lines', () => {
    // mnist/main.py: 'Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}' and '\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'
    const points = parse('Train Epoch: 1 [0/1437 (0%)]\tLoss: 2.280898\n\nTest set: Average loss: 0.9069, Accuracy: 316/360 (88%)\n').metrics;
    expect(points.map(brief)).toEqual(['Loss@e1=2.280898', 'Average loss@e1=0.9069', `Accuracy@e1=${(316 / 360) * 100}`]);
    expect(points[0]?.step).toBe(0);
    expect(points.map((p) => p.context)).toEqual(['training', 'testing', 'testing']);
    expect(points[2]?.unit).toBe('%');
  });

  it('reads yunjey/pytorch-tutorial: Epoch [1/3], Step [10/23], Loss: 1.7871', () => {
    const [point] = parse('Epoch [1/3], Step [10/23], Loss: 1.7871\n').metrics;
    expect([point?.name, point?.value, point?.epoch, point?.step]).toEqual(['Loss', 1.7871, 1, 10]);
  });

  it("reads scikit-learn's MLP (Iteration N, loss = ...) and SGD (-- Epoch N, then Avg. loss) verbose lines", () => {
    expect(read('Iteration 1, loss = 0.69314718\nIteration 2, loss = 0.61\n')).toEqual(['loss@s1=0.69314718', 'loss@s2=0.61']);
    const sgd = parse('-- Epoch 3\nNorm: 6.53, NNZs: 30, Bias: -0.350000, T: 455, Avg. loss: 0.312000\nTotal training time: 0.01 seconds.\n');
    expect(sgd.metrics.find((p) => p.name === 'Avg. loss')).toMatchObject({ value: 0.312, epoch: 3 });
  });

  it("reads tfjs-node's progress logger: Epoch 1 / 6, then its metrics line", () => {
    const points = parse('Epoch 1 / 6\n193ms 503us/step - acc=0.685 loss=0.655 val_acc=0.719 val_loss=0.623\n').metrics;
    expect(points.filter((p) => /acc|loss/.test(p.name)).map((p) => [p.name, p.value, p.epoch, p.context])).toEqual([
      ['acc', 0.685, 1, 'training'],
      ['loss', 0.655, 1, 'training'],
      ['val_acc', 0.719, 1, 'validation'],
      ['val_loss', 0.623, 1, 'validation'],
    ]);
    expect(points.find((p) => p.value === 193)?.unit).toBe('ms');
  });

  it('splits JSON objects that several writers glued on one line, and reads both', () => {
    const glued = '{"metric": "loss", "value": 0.5, "step": 1}{"metric": "loss", "value": 0.4, "step": 2}\n';
    expect(read(glued)).toEqual(['loss@s1=0.5', 'loss@s2=0.4']);
  });

  it('gives no points from ordinary log text with numbers in it', () => {
    const text = [
      'loading shard 00042 of 00512',
      'torch 2.1.0',
      'Saving checkpoint-500',
      'Saving model checkpoint to /tmp/out/checkpoint-500',
      '2026-11-23 14:05:01,123 - INFO - dataloader worker 3 prefetched batch 17',
      '/usr/lib/python3/dist-packages/torch/utils/data/dataloader.py:557: UserWarning: This DataLoader will create 8 worker processes in total.',
      'Downloading model.safetensors: 100 files, 1.2 GB',
      'Successfully installed numpy-1.26.4 torch-2.1.0',
    ].join('\n');
    expect(read(`${text}\n`)).toEqual([]);
  });
});
