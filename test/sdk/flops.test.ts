import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Context, type Run, startRun } from '../../src/sdk/index.js';
import type { Store } from '../../src/store/store.js';
import { sharedFixtures } from '../helpers/cli.js';
import { findSeries, readSeries, reopen, tempStoreDir } from './helpers.js';

const resnet18 = path.join(sharedFixtures, 'onnx', 'resnet18.onnx');
const reference = JSON.parse(fs.readFileSync(path.join(sharedFixtures, 'onnx', 'reference.json'), 'utf8')).models.resnet18 as {
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

  it('rejects a bad batch at the call site, naming the call', async () => {
    const { run, store } = await fixture();
    expect(() => run.logFlopsPerBatch('resnet', resnet18, 0)).toThrow(/logFlopsPerBatch: batch: expected a positive integer/);
    expect(() => run.logFlopsPerBatch('', resnet18, 1)).toThrow(/logFlopsPerBatch: expected the label to be a non-empty string/);
    expect(() => run.logFlopsPerBatch('x', '/nonexistent.onnx', 1)).toThrow(/logFlopsPerBatch: cannot read model \/nonexistent.onnx/);
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
