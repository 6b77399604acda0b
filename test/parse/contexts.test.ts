import { describe, expect, it } from 'vitest';
import { baseMetricName, contextFromName } from '../../src/model/context.js';
import { parse } from './helpers.js';

describe('contexts from metric names', () => {
  it('takes the context from a prefix ending in _ or /, keeping the name as printed', () => {
    const { metrics } = parse(
      [
        "{'val/loss': 0.5, 'eval/loss': 0.4, 'test/acc': 0.9, 'valid/auc': 0.8, 'validation/f1': 0.7, 'train/loss': 0.3, 'epoch': 1.0}",
        '{"metric": "val/loss", "value": 0.6, "step": 2}',
        '{"metric": "val/loss", "value": 0.6, "step": 3, "context": "custom"}',
      ].join('\n'),
    );
    expect(metrics.map((m) => [m.name, m.context])).toEqual([
      ['val/loss', 'validation'],
      ['eval/loss', 'evaluation'],
      ['test/acc', 'testing'],
      ['valid/auc', 'validation'],
      ['validation/f1', 'validation'],
      ['train/loss', 'training'],
      ['val/loss', 'validation'],
      ['val/loss', 'custom'],
    ]);
  });

  it('charts val/loss and train/loss with loss, and leaves other slashes alone', () => {
    expect(['val/loss', 'eval/loss', 'train/loss', 'training/loss', 'val_loss', 'loss'].map(baseMetricName)).toEqual(Array(6).fill('loss'));
    expect(contextFromName('value/loss')).toBe('training');
    expect(contextFromName('val/')).toBe('validation');
    expect(baseMetricName('val/')).toBe('val/');
    expect(baseMetricName('layers/0/norm')).toBe('layers/0/norm');
  });
});
