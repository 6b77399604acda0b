import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/model/errors.js';
import { Context, type Run, startRun } from '../../src/sdk/index.js';
import type { Store } from '../../src/store/store.js';
import { graph, node } from '../flops/graph.js';
import { realFixtures } from '../helpers/cli.js';
import { findSeries, readSeries, reopen, tempStoreDir } from './helpers.js';

const resnet18 = path.join(realFixtures, 'onnx', 'resnet18.onnx');
const reference = JSON.parse(fs.readFileSync(path.join(realFixtures, 'onnx', 'reference.json'), 'utf8')).models.resnet18 as {
  macs_batch1: number;
  macs_batch8: number;
};

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

async function fixture(): Promise<{ run: Run; store: Store }> {
  const dir = tempStoreDir();
  const run = await startRun({ name: 'flops', store: dir, env: {} });
  const store = reopen(dir);
  cleanup.push(async () => {
    await run.end();
    await store.close();
  });
  return { run, store };
}

describe('logFlopsPerBatch', () => {
  it('records each batch and the running total as flops series in the context', async () => {
    const { run, store } = await fixture();
    run.logFlopsPerBatch('resnet', resnet18, 8, Context.VALIDATION, 1);
    run.logFlopsPerBatch('resnet', resnet18, { shape: [8, 3, 224, 224] }, Context.VALIDATION, 2);
    await run.flush();
    const batch = await findSeries(store, run.id, 'flops/resnet/batch', 'validation');
    const total = await findSeries(store, run.id, 'flops/resnet/batch_total', 'validation');
    expect(batch.kind).toBe('flops');
    const perBatch = (await readSeries(store, batch)).value;
    // FLOPs are 2 × MACs for the matmul-class operators, plus the other operators' small costs.
    expect(perBatch[0]).toBeGreaterThanOrEqual(2 * reference.macs_batch8);
    expect(perBatch[0]).toBeLessThan(2.1 * reference.macs_batch8);
    expect(perBatch[1]).toBe(perBatch[0]);
    expect((await readSeries(store, total)).value).toEqual([perBatch[0], 2 * (perBatch[0] as number)]);
    expect(total.lastStep).toBe(2);
  });

  it('counts the backward pass too in the training context', async () => {
    const { run, store } = await fixture();
    run.logFlopsPerBatch('resnet', resnet18, 1, Context.TRAINING, 1);
    run.logFlopsPerBatch('resnet', resnet18, 1, Context.EVALUATION, 1);
    await run.flush();
    const training = (await findSeries(store, run.id, 'flops/resnet/batch', 'training')).last;
    const evaluation = (await findSeries(store, run.id, 'flops/resnet/batch', 'evaluation')).last;
    expect(training).toBeCloseTo(3 * evaluation, -3);
  });

  it('records the forward pass alone in the training context when asked, as prov4ml does', async () => {
    const { run, store } = await fixture();
    run.logFlopsPerBatch('resnet', resnet18, 1, Context.TRAINING, 1, { training: false });
    run.logFlopsPerBatch('resnet', resnet18, 1, Context.EVALUATION, 1);
    run.logFlopsPerBatch('backward', resnet18, 1, Context.EVALUATION, 1, { training: true });
    run.logFlopsPerEpoch('resnet', resnet18, 10, Context.TRAINING, 1, { training: false });
    run.logFlopsPerEpoch('resnet', resnet18, 10, Context.TRAINING, 2, {});
    await run.flush();
    const forward = (await findSeries(store, run.id, 'flops/resnet/batch', 'evaluation')).last;
    expect((await findSeries(store, run.id, 'flops/resnet/batch', 'training')).last).toBe(forward);
    expect((await findSeries(store, run.id, 'flops/backward/batch', 'evaluation')).last).toBeCloseTo(3 * forward, -3);
    const epochs = (await readSeries(store, await findSeries(store, run.id, 'flops/resnet/epoch', 'training'))).value;
    expect(epochs[0]).toBe(10 * forward);
    expect(epochs[1]).toBeCloseTo(30 * forward, -4);
  });

  it('says once per label when the count is a lower bound (an operator without a rule), and still records it', async () => {
    const { run, store } = await fixture();
    // torch.export writes torch.fft.fft as DFT, which has no rule: on torch 2.11 such a model counted 0, silently.
    const model = graph({ inputs: { x: ['batch', 16] }, weights: { w: [16, 8] }, nodes: [node('MatMul', ['x', 'w'], ['y']), node('DFT', ['y'], ['z'])] });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      for (let step = 0; step < 3; step++) await run.logFlopsPerBatch('odd', model, 4, Context.VALIDATION, step);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual(["FLOPs of 'odd': unknown operator DFT (1 node): counted as 0"]);
    await run.flush();
    expect((await readSeries(store, await findSeries(store, run.id, 'flops/odd/batch', 'validation'))).value).toEqual([1024, 1024, 1024]);
  });

  it('says which call failed to read a model file', async () => {
    const { run, store } = await fixture();
    expect(() => run.logFlopsPerBatch('x', '/nonexistent.onnx', 1)).toThrow(/logFlopsPerBatch: cannot read model \/nonexistent.onnx/);
    await run.flush();
    expect(await store.listSeries(run.id)).toEqual([]);
  });
});

describe('bad arguments to the FLOPs calls', () => {
  const positive = 'to be a positive integer';
  it.each([
    ['a batch of 0', 'logFlopsPerBatch', () => ['m', resnet18, 0], /logFlopsPerBatch: expected the batch size to be a positive integer, got number 0/],
    ['a batch of 1.5', 'logFlopsPerBatch', () => ['m', resnet18, 1.5], /batch size to be a positive integer, got number 1.5/],
    ['a negative batch', 'logFlopsPerBatch', () => ['m', resnet18, -5], new RegExp(`batch size ${positive}, got number -5`)],
    [
      'a null batch',
      'logFlopsPerBatch',
      () => ['m', resnet18, null],
      /logFlopsPerBatch: expected the batch to be a positive integer or a tensor with a batch dim, got null/,
    ],
    ['a string batch', 'logFlopsPerBatch', () => ['m', resnet18, '8'], /batch to be a positive integer or a tensor with a batch dim, got "8"/],
    ['a batch without a shape', 'logFlopsPerBatch', () => ['m', resnet18, {}], /batch dim, got an object/],
    ['a scalar tensor', 'logFlopsPerBatch', () => ['m', resnet18, { shape: [] }], /batch dim, got a tensor of shape \[\]/],
    ['a tensor with a batch of 0', 'logFlopsPerBatch', () => ['m', resnet18, { shape: [0, 3] }], /batch dim, got a tensor of shape \[0, 3\]/],
    [
      'a null model',
      'logFlopsPerBatch',
      () => ['m', null, 1],
      /logFlopsPerBatch: expected the model to be a path, ONNX bytes, a TF.js model.json or a tf.LayersModel, got null/,
    ],
    ['a number as the model', 'logFlopsPerEpoch', () => ['m', 5, 1], /logFlopsPerEpoch: expected the model to be .* got number 5/],
    ['an empty model path', 'logFlopsPerBatch', () => ['m', '', 1], /expected the model to be .* got ""/],
    ['an empty label', 'logFlopsPerBatch', () => ['', resnet18, 1], /logFlopsPerBatch: expected the label to be a non-empty string/],
    [
      'a null dataset',
      'logFlopsPerEpoch',
      () => ['m', resnet18, null],
      /logFlopsPerEpoch: expected the dataset to be a number of samples or an object with a length or size, got null/,
    ],
    ['a string dataset', 'logFlopsPerEpoch', () => ['m', resnet18, 'abc'], /dataset to be a number of samples or an object with a length or size, got "abc"/],
    [
      'a dataset of 1.5',
      'logFlopsPerEpoch',
      () => ['m', resnet18, 1.5],
      /logFlopsPerEpoch: expected the dataset size to be a positive integer, got number 1.5/,
    ],
    ['a dataset of 0', 'logFlopsPerEpoch', () => ['m', resnet18, 0], /dataset size to be a positive integer, got number 0/],
    ['a dataset of -5', 'logFlopsPerEpoch', () => ['m', resnet18, -5], /dataset size to be a positive integer, got number -5/],
    [
      'a dataset with a negative length',
      'logFlopsPerEpoch',
      () => ['m', resnet18, { length: -1 }],
      /the dataset's length to be a positive integer, got number -1/,
    ],
    [
      'a dataset of unknown size',
      'logFlopsPerEpoch',
      () => ['m', resnet18, { size: Number.POSITIVE_INFINITY }],
      /dataset's size to be a positive integer, got number Infinity/,
    ],
    ['a dataset with neither length nor size', 'logFlopsPerEpoch', () => ['m', resnet18, {}], /expected the dataset to have a length or a size/],
    [
      'null options',
      'logFlopsPerBatch',
      () => ['m', resnet18, 1, 'training', 1, null],
      /logFlopsPerBatch: expected the options to be an object \(\{ training \}\) or left out, got null/,
    ],
    [
      'a string training flag',
      'logFlopsPerEpoch',
      () => ['m', resnet18, 1, 'training', 1, { training: 'no' }],
      /logFlopsPerEpoch: expected options.training to be true or false, got "no"/,
    ],
  ])('rejects %s at the call site, storing nothing', async (_what, call, args, message) => {
    const { run, store } = await fixture();
    const invoke = () => (run[call as 'logFlopsPerBatch'] as (...a: unknown[]) => unknown).apply(run, args());
    expect(invoke).toThrow(UsageError);
    expect(invoke).toThrow(message);
    await run.flush();
    expect(await store.listSeries(run.id)).toEqual([]);
  });
});

describe('logFlopsPerEpoch', () => {
  it('records per-sample FLOPs times the dataset size, and the running total', async () => {
    const { run, store } = await fixture();
    run.logFlopsPerEpoch('resnet', resnet18, { length: 100 }, Context.VALIDATION, 0);
    run.logFlopsPerEpoch('resnet', resnet18, 100, Context.VALIDATION, 1);
    await run.flush();
    const epoch = (await readSeries(store, await findSeries(store, run.id, 'flops/resnet/epoch', 'validation'))).value;
    expect(epoch[0]).toBeGreaterThanOrEqual(200 * reference.macs_batch1);
    expect((await findSeries(store, run.id, 'flops/resnet/epoch_total', 'validation')).last).toBe(2 * (epoch[0] as number));
  });
});

describe('logModel with a model file', () => {
  it('records the params count and FLOPs with the copied file', async () => {
    const { run, store } = await fixture();
    const artifact = await run.logModel(resnet18, { batch: 8 });
    expect(artifact.meta.format).toBe('onnx');
    // torchvision's resnet18 has 11,689,512 parameters; the exported graph folds batch norms into the convolutions.
    expect(Math.abs((artifact.meta.params as number) / 11_689_512 - 1)).toBeLessThan(0.001);
    expect(artifact.meta.flops).toBeGreaterThanOrEqual(2 * reference.macs_batch8);
    expect(artifact.size).toBe(fs.statSync(resnet18).size);
    expect((await store.getRun(run.id))?.params).toMatchObject({
      'model/resnet18.onnx/params': artifact.meta.params,
      'model/resnet18.onnx/flops': artifact.meta.flops,
    });
  });

  it('still records a file whose FLOPs cannot be counted, saying why', async () => {
    const { run } = await fixture();
    const file = path.join(tempStoreDir(), 'weights.pt');
    fs.writeFileSync(file, 'not a graph');
    const artifact = await run.logModel(file);
    expect(artifact.kind).toBe('model');
    expect(artifact.meta.flopsProblem).toEqual(expect.any(String));
    expect(artifact.meta).not.toHaveProperty('flops');
  });
});
