// The training loggers people copy, each line written from the logger's own format string (the repository and file
// are named beside it), with the values it holds: every value is read exactly, with its step or epoch.
import { describe, expect, it } from 'vitest';
import type { ParsedMetric } from '../../../src/model/point.js';
import { parse } from '../helpers.js';

/** name(context)=value@s<step>@e<epoch>, the context only when it is not training. */
function shown(m: ParsedMetric): string {
  const context = m.context && m.context !== 'training' ? `(${m.context})` : '';
  return `${m.name}${context}=${m.value}${m.unit ?? ''}${m.step !== undefined ? `@s${m.step}` : ''}${m.epoch !== undefined ? `@e${m.epoch}` : ''}`;
}

const cases: Array<[string, string, string[], string[]]> = [
  [
    'karpathy/nanoGPT train.py',
    'print(f"step {iter_num}: train loss {losses[\'train\']:.4f}, val loss ...") and print(f"iter {iter_num}: loss {lossf:.4f}, time {dt*1000:.2f}ms, mfu {running_mfu*100:.2f}%")',
    ['step 250: train loss 1.9735, val loss 2.0727', 'iter 250: loss 1.9911, time 31.56ms, mfu 4.52%'],
    ['train loss=1.9735@s250', 'val loss(validation)=2.0727@s250', 'loss=1.9911@s250', 'time=31.56ms@s250', 'mfu=4.52%@s250'],
  ],
  [
    'karpathy/llm.c train_gpt2.py',
    'print0(f"step {step+1:4d}/{args.num_iterations} | train loss {lossf:.6f} | norm {norm:.4f} | lr {lr:.2e} | ({(t1-t0)*1000:.2f} ms | {tokens_per_second:.0f} tok/s)")',
    ['step    2/50 | train loss 5.412345 | norm 3.2171 | lr 6.00e-04 | (112.34 ms | 36458 tok/s)'],
    ['train loss=5.412345@s2', 'norm=3.2171@s2', 'lr=0.0006@s2', 'time=112.34ms@s2', 'tok/s=36458tok/s@s2'],
  ],
  [
    'NVIDIA/Megatron-LM megatron/training/training.py training_log',
    "log_string += ' iteration {:8d}/{:8d} |' ... ' lm loss: {:.6E} |' ' loss scale: {:.1f} |' ' grad norm: {:.3f} |' ' number of nan iterations: {:3d} |'",
    [
      ' [2026-12-04 10:00:00] iteration       10/  500000 | consumed samples:          640 | elapsed time per iteration (ms): 1234.5 | learning rate: 1.000000E-04 | global batch size:    64 | lm loss: 1.034567E+01 | loss scale: 1.0 | grad norm: 1.234 | number of skipped iterations:   0 | number of nan iterations:   0 |',
    ],
    [
      'consumed samples=640@s10',
      'elapsed time per iteration (ms)=1234.5ms@s10',
      'learning rate=0.0001@s10',
      'global batch size=64@s10',
      'lm loss=10.34567@s10',
      'loss scale=1@s10',
      'grad norm=1.234@s10',
      'number of skipped iterations=0@s10',
      'number of nan iterations=0@s10',
    ],
  ],
  [
    'pytorch/torchtitan torchtitan/train.py (colored)',
    'logger.info(f"{color.cyan}step: {step:2}  {color.green}loss: {loss:7.4f}  {color.yellow}memory: {max_reserved_gib:5.2f}GiB({max_reserved_pct:.2f}%)  {color.blue}tps: {round(tps):,}  {color.magenta}mfu: {mfu:.2f}%{color.reset}")',
    ['\u001b[36mstep:  1  \u001b[32mloss: 12.2455  \u001b[33mmemory: 33.45GiB(35.22%)  \u001b[34mtps: 1,234  \u001b[35mmfu: 12.34%\u001b[39m'],
    ['loss=12.2455@s1', 'memory=33.45GiB@s1', 'tps=1234tok/s@s1', 'mfu=12.34%@s1'],
  ],
  [
    'huggingface/pytorch-image-models (timm) train.py',
    "f'Train: {epoch} [{update_idx:>4d}/{updates_per_epoch} ({100. * (update_idx + 1) / updates_per_epoch:>3.0f}%)]  Loss: {losses_m.val:#.3g} ({losses_m.avg:#.3g})  Time: ...  LR: {lr:.3e}  Data: ...'",
    ['Train: 0 [ 100/1251 (  8%)]  Loss: 6.91 (6.93)  Time: 0.234s,  547.01/s  (0.245s,  522.45/s)  LR: 1.000e-05  Data: 0.012 (0.015)'],
    ['Loss=6.91@s100@e0', 'Time=0.234s@s100@e0', 'time=0.245s@s100@e0', 'LR=0.00001@s100@e0', 'Data=0.012@s100@e0'],
  ],
  [
    'facebookresearch/detectron2 detectron2/utils/events.py CommonMetricPrinter',
    '"{eta}iter: {iter}  {losses}  {non_losses}  {avg_time}{last_time}{avg_data_time}{last_data_time}lr: {lr}  {memory}"',
    [
      '[12/04 10:00:00 d2.utils.events]:  eta: 0:10:00  iter: 19  total_loss: 1.234  loss_cls: 0.5432  loss_box_reg: 0.1234  time: 0.4567  data_time: 0.0123  lr: 0.00039962  max_mem: 2345M',
    ],
    [
      'total_loss=1.234@s19',
      'loss_cls=0.5432@s19',
      'loss_box_reg=0.1234@s19',
      'time=0.4567@s19',
      'data_time=0.0123@s19',
      'lr=0.00039962@s19',
      'max_mem=2345M@s19',
    ],
  ],
  [
    'open-mmlab/mmengine mmengine/runner/log_processor.py',
    "f'Epoch({mode}) [{cur_epoch}][{cur_iter:>{dataloader_len_len}}/{dataloader_len}]  ' then '{name}: {val:.4f}' pairs",
    [
      '12/04 10:00:00 - mmengine - INFO - Epoch(train)  [1][  50/1000]  lr: 1.0000e-02  eta: 1:00:00  time: 0.3000  data_time: 0.0100  memory: 1234  loss: 1.2345  loss_cls: 0.1234',
    ],
    ['lr=0.01@s50@e1', 'time=0.3@s50@e1', 'data_time=0.01@s50@e1', 'memory=1234@s50@e1', 'loss=1.2345@s50@e1', 'loss_cls=0.1234@s50@e1'],
  ],
  [
    'facebookresearch/fairseq fairseq/logging/progress_bar.py SimpleProgressBar',
    "'{}:  {:5d} / {:d} {}'.format(self.prefix, self.i + 1, self.n, postfix) with postfix 'key=value, ...'",
    [
      '2020-01-01 00:00:00 | INFO | train_inner | epoch 001:    100 / 1000 loss=9.123, nll_loss=8.456, ppl=351.2, wps=12345.6, ups=1.23, lr=0.0005, gnorm=1.234',
    ],
    [
      'loss=9.123@s100@e1',
      'nll_loss=8.456@s100@e1',
      'ppl=351.2@s100@e1',
      'wps=12345.6words/s@s100@e1',
      'ups=1.23updates/s@s100@e1',
      'lr=0.0005@s100@e1',
      'gnorm=1.234@s100@e1',
    ],
  ],
  [
    'facebookresearch/fairseq fairseq/logging/progress_bar.py JsonProgressBar',
    'json.dumps(stats) with each value formatted as a string',
    ['{"epoch": 1, "update": 0.1, "loss": "9.123", "nll_loss": "8.456", "ppl": "351.2", "lr": "0.0005"}'],
    ['update=0.1@e1', 'loss=9.123@e1', 'nll_loss=8.456@e1', 'ppl=351.2@e1', 'lr=0.0005@e1'],
  ],
  [
    'pytorch/examples imagenet/main.py ProgressMeter',
    "'Epoch: [{}]'.format(epoch) + '[{}/{}]' then AverageMeter '{name} {val:.3f} ({avg:.3f})', tab-separated",
    ['Epoch: [0][  10/5005]\tTime  0.123 ( 0.456)\tData  0.012 ( 0.034)\tLoss 6.9123e+00 (6.9234e+00)\tAcc@1   0.00 (  0.10)\tAcc@5   0.78 (  0.49)'],
    ['Time=0.123@s10@e0', 'Data=0.012@s10@e0', 'Loss=6.9123@s10@e0', 'Acc@1=0@s10@e0', 'Acc@5=0.78@s10@e0'],
  ],
  [
    'google/flax examples/mnist/train.py',
    "logging.info('epoch:% 3d, train_loss: %.4f, train_accuracy: %.2f, test_loss: %.4f, test_accuracy: %.2f', ...)",
    ['epoch:  1, train_loss: 0.2345, train_accuracy: 93.45, test_loss: 0.1234, test_accuracy: 96.12'],
    ['train_loss=0.2345@e1', 'train_accuracy=93.45@e1', 'test_loss(testing)=0.1234@e1', 'test_accuracy(testing)=96.12@e1'],
  ],
  [
    'huggingface/transformers examples/pytorch/text-classification/run_glue_no_trainer.py',
    'logger.info(f"epoch {epoch}: {eval_metric}")',
    ["epoch 0: {'accuracy': 0.85, 'f1': 0.9}"],
    ['accuracy=0.85@e0', 'f1=0.9@e0'],
  ],
  [
    'ultralytics/ultralytics ultralytics/engine/trainer.py (the progress table)',
    "('%11s' * 2 + '%11.4g' * (2 + loss_length)) % (f'{epoch + 1}/{self.epochs}', f'{self._get_memory():.3g}G', *losses, ...)",
    [
      '      Epoch    GPU_mem   box_loss   cls_loss   dfl_loss  Instances       Size',
      '      1/100      2.34G      1.234      2.345      1.456         12        640: 100%|##########| 10/10 [00:01<00:00,  5.00it/s]',
      '      2/100      2.34G      1.134      2.245      1.356         12        640: 100%|##########| 10/10 [00:01<00:00,  5.00it/s]',
    ],
    [
      'GPU_mem=2.34G@e1',
      'box_loss=1.234@e1',
      'cls_loss=2.345@e1',
      'dfl_loss=1.456@e1',
      'GPU_mem=2.34G@e2',
      'box_loss=1.134@e2',
      'cls_loss=2.245@e2',
      'dfl_loss=1.356@e2',
    ],
  ],
  [
    'DLR-RM/stable-baselines3 stable_baselines3/common/logger.py HumanOutputFormat',
    'the key/value table between dashed lines, keys grouped under their prefix',
    [
      '-----------------------------------------',
      '| rollout/                |             |',
      '|    ep_len_mean          | 200         |',
      '|    ep_rew_mean          | -1.2e+03    |',
      '| time/                   |             |',
      '|    fps                  | 1234        |',
      '|    iterations           | 1           |',
      '|    total_timesteps      | 2048        |',
      '-----------------------------------------',
    ],
    ['rollout/ep_len_mean=200@s2048', 'rollout/ep_rew_mean=-1200@s2048', 'time/fps=1234@s2048', 'time/iterations=1@s2048', 'time/total_timesteps=2048@s2048'],
  ],
  [
    'fastai/fastai fastai/callback/progress.py (the fit table, printed without a notebook)',
    'the header of metric names, then one row per epoch',
    [
      'epoch     train_loss  valid_loss  accuracy  time    ',
      '0         0.123456    0.234567    0.912345  00:10     ',
      '1         0.103456    0.214567    0.922345  00:10     ',
    ],
    [
      'train_loss=0.123456@e0',
      'valid_loss(validation)=0.234567@e0',
      'accuracy=0.912345@e0',
      'train_loss=0.103456@e1',
      'valid_loss(validation)=0.214567@e1',
      'accuracy=0.922345@e1',
    ],
  ],
  [
    "Python's logging module, default and basicConfig formats",
    "'%(levelname)s:%(name)s:%(message)s' and '%(asctime)s - %(levelname)s - %(message)s'",
    ['INFO:root:step 10 loss 0.5', '2023-01-01 12:00:00,123 - INFO - epoch 2 val_acc 0.91'],
    ['loss=0.5@s10', 'val_acc(validation)=0.91@e2'],
  ],
];

describe('the training loggers people copy', () => {
  it.each(cases)('%s', (_source, _format, lines, expected) => {
    const text = `${lines.join('\n')}\n`;
    expect(parse(text).metrics.map(shown)).toEqual(expected);
    // The same, whatever the chunks the bytes come in.
    expect(parse(text, {}, [7, 1, 64]).metrics.map(shown)).toEqual(expected);
  });
});
