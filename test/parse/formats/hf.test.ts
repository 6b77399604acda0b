import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realFixtures } from '../../helpers/cli.js';
import { brief, fixtureLog, parse } from '../helpers.js';

describe('Hugging Face Trainer dicts', () => {
  it('reads every dict of a real transformers 5 log, with its epoch as the x value', () => {
    const expected = JSON.parse(fs.readFileSync(path.join(realFixtures, 'expected', 'hf_trainer.json'), 'utf8')) as {
      accepted: Array<{ name: string; value: number; epoch: number }>;
    };
    const { metrics, warnings } = parse(fixtureLog('hf_trainer.stdout'));
    expect(warnings).toEqual([]);
    expect(metrics.map((m) => [m.name, m.value, m.epoch, m.format])).toEqual(expected.accepted.map((e) => [e.name, e.value, e.epoch, 'hf']));
    expect(metrics.find((m) => m.name === 'eval_loss')?.context).toBe('evaluation');
    expect(metrics.some((m) => m.name === 'epoch')).toBe(false);
  });

  it('finds nothing in the tqdm bars of the same job', () => {
    expect(parse(fixtureLog('hf_trainer.stderr')).metrics).toEqual([]);
  });

  it('reads unquoted numbers, nan and inf as older versions print them', () => {
    const { metrics } = parse("{'loss': 0.6943, 'grad_norm': nan, 'learning_rate': 4.5e-05, 'total_flos': inf, 'epoch': 0.25}\n");
    expect(metrics.map(brief)).toEqual(['loss@e0.25=0.6943', 'grad_norm@e0.25=NaN', 'learning_rate@e0.25=0.000045', 'total_flos@e0.25=Infinity']);
  });

  it('leaves dicts that hold anything but numbers alone: a config is not a metric', () => {
    const { metrics, warnings } = parse("{'lr': 0.001, 'model': 'resnet50', 'pretrained': True}\n{'a': {'b': 1}}\n{}\n");
    expect(metrics).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('reads a step when the dict has one, and keys with quotes inside', () => {
    const { metrics } = parse(`{'step': 40, "it's": '1.5', 'loss': '0.25'}\n`);
    expect(metrics.map((m) => [m.name, m.value, m.step])).toEqual([
      ["it's", 1.5, 40],
      ['loss', 0.25, 40],
    ]);
  });

  it('unwraps numpy and torch scalars, and skips entries that are not numbers when the dict has an epoch', () => {
    const { metrics, warnings } = parse(
      [
        "{'eval_loss': 0.5, 'eval_accuracy': np.float64(0.85), 'eval_runtime': 1.0, 'epoch': 1.0}",
        "{'loss': tensor(0.25, device='cuda:0', grad_fn=<MeanBackward0>), 'acc': np.float32(nan), 'n': np.int64(3), 'epoch': np.float64(2.5)}",
        "{'loss': tensor(0.125), 'note': 'hello', 'done': True, 'per_class': [0.1, 0.2], 'cfg': {'a': 1}, 'step': 30, 'epoch': 3.0}",
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(metrics.map(brief)).toEqual([
      'eval_loss@e1=0.5',
      'eval_accuracy@e1=0.85',
      'eval_runtime@e1=1',
      'loss@e2.5=0.25',
      'acc@e2.5=NaN',
      'n@e2.5=3',
      'loss@e3=0.125',
    ]);
    expect(metrics.at(-1)?.step).toBe(30);
    expect(metrics[1]?.context).toBe('evaluation');
  });

  it('takes no step that a double cannot hold exactly', () => {
    const { metrics } = parse("{'loss': 0.5, 'step': 100000000000000000000}\n");
    expect(metrics.map((m) => [m.name, m.step])).toEqual([['loss', undefined]]);
  });
});
