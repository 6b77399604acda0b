import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BatchLike, countFlops, type DatasetLike, flopsPerBatch, flopsPerEpoch, loadModel } from '../../src/flops/index.js';
import { encodeOnnx } from '../../src/flops/onnx/encode.js';
import { RunmeterError, UsageError } from '../../src/model/errors.js';
import { graph, node } from './graph.js';

// The API the SDK calls: countFlops over bytes, paths, objects; prov4ml's per-batch and per-epoch counts.

const mlpJson = path.resolve(import.meta.dirname, '../fixtures/flops/mlp/model.json');
// Hand count of the fixture MLP per sample: 784×128 + 128×10 MACs; biases 138, relu 128, softmax 5 × 10.
const mlpMacs = 784 * 128 + 128 * 10;
const mlpFlops = 2 * mlpMacs + 138 + 128 + 50;

const linear = graph({ inputs: { x: ['batch', 64] }, weights: { w: [64, 32] }, nodes: [node('MatMul', ['x', 'w'], ['y'])] });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-flops-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function catchError(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, got none');
}

describe('countFlops', () => {
  it('counts a TF.js model.json given by path, by folder, or as bytes', () => {
    expect(countFlops(mlpJson).flops).toBe(mlpFlops);
    expect(countFlops(path.dirname(mlpJson), { batch: 4 }).macs).toBe(4 * mlpMacs);
    const report = countFlops(fs.readFileSync(mlpJson), { batch: 2 });
    expect(report).toMatchObject({ format: 'tfjs', macs: 2 * mlpMacs, params: 784 * 128 + 128 + 128 * 10 + 10, inputs: { hidden_input: [2, 784] } });
  });

  it('counts ONNX given by path and notices when the file is rewritten', () => {
    const file = path.join(tmp, 'linear.onnx');
    fs.writeFileSync(file, encodeOnnx(linear));
    expect(countFlops(file, { batch: 2 }).macs).toBe(2 * 64 * 32);
    const wider = graph({ inputs: { x: ['batch', 64] }, weights: { w: [64, 48] }, nodes: [node('MatMul', ['x', 'w'], ['y'])] });
    fs.writeFileSync(file, encodeOnnx(wider));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(countFlops(file, { batch: 2 }).macs).toBe(2 * 64 * 48);
  });

  it('answers a repeated count of the same model object from its cache', () => {
    expect(countFlops(linear, { batch: 3 })).toBe(countFlops(linear, { batch: 3 }));
    expect(countFlops(linear, { batch: 4 }).macs).toBe(4 * 64 * 32);
  });

  it('names the file it cannot read', () => {
    expect(() => countFlops(path.join(tmp, 'missing.onnx'))).toThrow(/cannot read model .*missing.onnx: no such file/);
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    expect(() => loadModel(empty)).toThrow(`cannot read model ${empty}: the folder has no model.json and no .onnx file`);
    expect(() => countFlops(linear, { batch: 0 })).toThrow(/batch: expected a positive integer number of samples, got 0/);
  });

  it('counts the one .onnx file of a folder without a model.json, and names the files when there are several', () => {
    const folder = fs.mkdtempSync(path.join(tmp, 'one-'));
    fs.writeFileSync(path.join(folder, 'linear.onnx'), encodeOnnx(linear));
    fs.writeFileSync(path.join(folder, 'README.md'), 'an exported model');
    expect(countFlops(folder, { batch: 2 }).macs).toBe(2 * 64 * 32);
    fs.writeFileSync(path.join(folder, 'other.onnx'), encodeOnnx(linear));
    expect(() => loadModel(folder)).toThrow(
      `cannot read model ${folder}: the folder has no model.json and 2 .onnx files (linear.onnx, other.onnx): name the one to count`,
    );
  });

  it('names the file in errors about what it holds, and reports them as unreadable models (exit 1), not bad flags', () => {
    const json = path.join(tmp, 'package.json');
    fs.writeFileSync(json, '{"name": "not-a-model"}');
    const graphModel = path.join(tmp, 'graph-model.json');
    fs.writeFileSync(graphModel, '{"format": "graph-model", "modelTopology": {"node": []}}');
    const text = path.join(tmp, 'notes.onnx');
    fs.writeFileSync(text, '# not a protobuf');
    for (const [file, message] of [
      [json, `${json} is not a TF.js layers model`],
      [graphModel, `${graphModel} is a TF.js graph model`],
      [text, `${text} is not an ONNX model`],
    ] as const) {
      const error = catchError(() => countFlops(file));
      expect(error).toBeInstanceOf(RunmeterError);
      expect(error).toMatchObject({ code: 'E_MODEL', exitCode: 1 });
      expect((error as Error).message).toContain(message);
    }
  });
});

describe('flopsPerBatch and flopsPerEpoch', () => {
  it('counts a batch at its actual size, from a number or a tensor’s first dim', () => {
    expect(flopsPerBatch(linear, 16)).toBe(2 * 16 * 64 * 32);
    expect(flopsPerBatch(linear, { shape: [5, 64] })).toBe(2 * 5 * 64 * 32);
    expect(flopsPerBatch(mlpJson, { shape: [7, 784] })).toBe(7 * mlpFlops);
  });

  it('counts a TF.js model declared with a fixed batch at the batch it is given', () => {
    const fixed = { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [32, 10] } }] } };
    expect(countFlops(fixed).macs).toBe(32 * 20);
    expect(flopsPerBatch(fixed, 4)).toBe(4 * (2 * 20 + 2));
  });

  it('sets the batch dim of inputs given with their full dims', () => {
    const ids = graph({
      inputs: { ids: ['batch', 'sequence'] },
      weights: { table: [100, 8], w: [8, 8] },
      nodes: [node('Gather', ['table', 'ids'], ['e']), node('MatMul', ['e', 'w'], ['y'])],
    });
    expect(flopsPerBatch(ids, 4, { inputs: { ids: [1, 16] } })).toBe(2 * 4 * 16 * 8 * 8);
  });

  it('counts an epoch as per-sample FLOPs times the number of samples', () => {
    const perSample = 2 * 64 * 32;
    expect(flopsPerEpoch(linear, 1000)).toBe(1000 * perSample);
    expect(flopsPerEpoch(linear, new Array(10))).toBe(10 * perSample);
    expect(flopsPerEpoch(linear, { size: 60_000 })).toBe(60_000 * perSample);
  });

  it('counts training as forward plus backward, three times the forward FLOPs', () => {
    expect(flopsPerBatch(linear, 8, { training: true })).toBe(3 * flopsPerBatch(linear, 8));
    expect(flopsPerEpoch(mlpJson, 100, { training: true })).toBe(300 * mlpFlops);
  });

  it('rejects batches and datasets without a size', () => {
    expect(() => flopsPerBatch(linear, { shape: [] })).toThrow('batch: expected a positive integer number of samples, got a tensor of shape []');
    expect(() => flopsPerEpoch(linear, { size: Number.POSITIVE_INFINITY })).toThrow(
      'dataset size: expected a positive integer number of samples, got a size of Infinity',
    );
  });

  it('rejects null, strings, fractions and sizes below 1 with a usage error saying what it got, never a TypeError', () => {
    const batches: Array<[unknown, string]> = [
      [null, 'null'],
      [undefined, 'undefined'],
      ['8', '"8"'],
      [1.5, '1.5'],
      [0, '0'],
      [-2, '-2'],
      [Number.NaN, 'NaN'],
      [{ shape: '8x3' }, 'a tensor whose shape is "8x3"'],
      [{ shape: [1.5, 3] }, 'a tensor of shape [1.5, 3]'],
      [{ size: 8 }, 'an object with no shape (expected a number or a tensor)'],
    ];
    for (const [batch, got] of batches) {
      const error = catchError(() => flopsPerBatch(linear, batch as BatchLike));
      expect(error, String(got)).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(`batch: expected a positive integer number of samples, got ${got}`);
    }
    const datasets: Array<[unknown, string]> = [
      [null, 'null'],
      ['abc', '"abc"'],
      [1.5, '1.5'],
      [0, '0'],
      [-5, '-5'],
      [{ length: '10' }, 'a length of "10"'],
      [{ size: null }, 'a size of null'],
      [{}, 'an object with neither length nor size'],
    ];
    for (const [dataset, got] of datasets) {
      const error = catchError(() => flopsPerEpoch(linear, dataset as DatasetLike));
      expect(error, String(got)).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(`dataset size: expected a positive integer number of samples, got ${got}`);
    }
    expect(() => countFlops(linear, { batch: '4' as unknown as number })).toThrow('batch: expected a positive integer number of samples, got "4"');
  });
});
