import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedMetric } from '../../src/model/point.js';
import { MetricRouter } from '../../src/parse/router.js';
import { LineAssembler } from '../../src/parse/terminal/assembler.js';
import type { ParseOptions } from '../../src/parse/types.js';
import { realFixtures } from '../helpers/cli.js';
import { fixtureLog, pieceLines } from './helpers.js';

/** Points and warnings (as `line: message`) of a log, read from bytes where the router can, or from every line's text. */
function read(log: Buffer | string, options: ParseOptions, readBytes: boolean): { metrics: ParsedMetric[]; warnings: string[] } {
  const metrics: ParsedMetric[] = [];
  const warnings: string[] = [];
  const out = {
    metric: (m: ParsedMetric) => metrics.push({ ...m, valueText: undefined } as ParsedMetric),
    warning: (line: number, message: string) => warnings.push(`${line}: ${message}`),
  };
  const router = new MetricRouter(out, options, undefined, readBytes);
  const assembler = new LineAssembler(router);
  const bytes = Buffer.from(log);
  for (let at = 0; at < bytes.length; at += 97) assembler.push(Buffer.from(bytes.subarray(at, at + 97)));
  assembler.end();
  router.end();
  return { metrics, warnings };
}

const same = (log: Buffer | string, options: ParseOptions, label: string) => expect(read(log, options, true), label).toEqual(read(log, options, false));

/** Lines of every format, their near misses, redraws and prefixes. */
const logLine = fc.oneof(
  fc.constantFrom(
    'Epoch 2/5',
    '40/40 [==============================] - 1s 2ms/step - loss: 0.4097 - accuracy: 0.8715 - val_loss: 0.3312',
    '\r 5/40 [===>.....] - ETA: 0s - loss: 0.9000\r10/40 [=====>...] - ETA: 0s - loss: 0.8000',
    '40/40 ━━━━━━━━━━━━━━━━━━━━ 0s 15us/step - loss: 1.0393 - val_loss: 1.1432',
    '0s - loss: 1.5713 - acc: 0.3715',
    '\u00a040/40 - 0s - loss: 0.5',
    'Epoch 3: val_loss improved from 0.41 to 0.40',
    "{'loss': 0.6943, 'grad_norm': 1.3333333333333333, 'learning_rate': 4.5e-05, 'epoch': 0.25}",
    "{'loss': '0.6943', 'epoch': '0.5', 'step': 10}",
    "{'eval_loss': 0.5, 'eval_accuracy': np.float64(0.85), 'note': 'hello', 'epoch': 1.0}",
    "{'metric': 'loss', 'value': 0.5, 'step': 1}",
    '{"metric": "loss", "value": 0.5, "step": 1e20, "timestamp": 1e20}',
    "[5]\tcv_agg's valid binary_logloss: 0.3 + 0.01",
    '{"metric": "loss", "value": 0.14285714285714285, "step": 3}',
    '{"metric": "loss", "value": 0.5, "step": 2, "pad": "xx", "lr": 1e-3, "ok": true, "no": false, "n": null}',
    '{"run": "é", "metric": "acc", "value": 0.9, "epoch": 1}',
    '{"metric": "loss", "value": 1, "extra": {"a": 1}}',
    '{"metric": "loss", "value": 1, "note": "a\\"b", "step": 4}',
    '{"metric": "loss", "note": 3, "metric": "acc", "value": 1}',
    '{"metric": "loss", "value": 1, "flag": tru}',
    '{"metric": "loss", "value": 2, "timestamp": "2024-01-01T00:00:00Z"}',
    '{"metric": "loss", "value": 2, "timestamps": 5, "lr": [1]}',
    'epoch 3:  50%|█████     | 100/200 [00:01<00:01, 187.34it/s, acc=0.98, loss=0.00508]\repoch 3: 100%|██████████| 200/200 [00:01<00:00, 188.92it/s, acc=0.995, loss=0.005]',
    'Epoch 0: 100%|████| 4/4 [00:00<00:00, 9.0it/s, v_num=0, train_loss=0.7]',
    'Epoch 2/2  ━━━━━━━━ 32/32 0:00:00 • 0:00:00 214.54it/s train_loss: 0.695',
    '          val_loss: 0.699',
    '1000it [00:01, 800.00it/s, loss=0.5]',
    '[10]\tvalidation_0-logloss:0.12345\tvalidation_1-logloss:0.23456',
    'INFO step 3: data loader fetched batch 3 [shard 2]',
    '[12/04 10:00:00 d2.utils.events]:  eta: 0:10:00  iter: 2  total_loss: 0.480  lr: 0.00072982  max_mem: 2320M',
    '[3] loss 0.5 acc 0.9]',
    '[3 loss 0.5 acc 0.9',
    '[12/40 loss: 0.5 ]',
    "[1]\tvalid_0's l2: 0.5",
    '[7',
    '[1/3] train:  50%|█████     | 100/200 [00:01<00:01, 187.34it/s, loss=0.5]',
    '2024-05-01 12:00:00,123 - INFO - saved',
  ),
  pieceLines([
    'Epoch ',
    '1/3',
    ' - ',
    'loss: ',
    '0.5',
    '%|',
    '█',
    '| 1/2 ',
    '[00:01, x=1]',
    ']',
    "{'a': 1}",
    '\u00a0',
    'E',
    '\t',
    '\v',
    '[1',
    '[12]',
    'it/s',
    ' ',
  ]),
);

const prefixed = fc.tuple(fc.constantFrom('', '', '[default1]:', '2026-11-23T07:13:41Z ', '  '), logLine).map(([prefix, line]) => `${prefix}${line}`);

describe('the router', () => {
  it('reads from bytes exactly what it reads from text, on every fixture log', () => {
    for (const name of fs.readdirSync(path.join(realFixtures, 'logs'))) {
      for (const perBatch of [false, true]) same(fixtureLog(name), { perBatch }, name);
    }
  });

  it('reads from bytes exactly what it reads from text, on logs of every format', () => {
    fc.assert(
      fc.property(fc.array(prefixed, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean(), (lines, newline, perBatch) => {
        same(lines.join(newline), { perBatch }, JSON.stringify(lines));
      }),
      { numRuns: 1500 },
    );
  });
});
