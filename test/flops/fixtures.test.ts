import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countFlops, loadModel } from '../../src/flops/index.js';
import { buildVit, vitMacs } from '../fixtures/flops/vit.mjs';

// The real exports in test/fixtures/real/onnx (torchvision and transformers, opset 17, weights removed).

const fixtures = path.resolve(import.meta.dirname, '../fixtures/real/onnx');
const reference = JSON.parse(fs.readFileSync(path.join(fixtures, 'reference.json'), 'utf8')) as {
  models: Record<string, { macs_batch1: number; macs_batch8: number; input: string }>;
};

describe('reference counts of the fixture graphs', () => {
  for (const [name, expected] of Object.entries(reference.models)) {
    it(`counts ${name} within 0.1% of reference.json at batch 1 and 8, with no warnings`, () => {
      const bytes = loadModel(path.join(fixtures, `${name}.onnx`));
      for (const [batch, macs] of [
        [1, expected.macs_batch1],
        [8, expected.macs_batch8],
      ] as const) {
        const report = countFlops(bytes, { batch });
        expect(Math.abs(report.macs - macs) / macs).toBeLessThanOrEqual(0.001);
        expect(report.warnings).toEqual([]);
        expect(report.unknownOps).toEqual([]);
        expect(report.inputs[expected.input]?.[0]).toBe(batch);
      }
    });
  }

  it('counts the parameters of AlexNet as torchvision does (61,100,840)', () => {
    expect(countFlops(loadModel(path.join(fixtures, 'alexnet.onnx'))).params).toBe(61_100_840);
  });

  it('attributes bert_tiny’s MACs to its MatMuls, the attention products included', () => {
    const report = countFlops(loadModel(path.join(fixtures, 'bert_tiny.onnx')), { batch: 1 });
    expect(report.byOp.MatMul?.nodes).toBe(16);
    expect(report.byOp.MatMul?.macs).toBe(reference.models.bert_tiny?.macs_batch1);
    expect(report.byOp.Softmax?.flops).toBe(5 * 2 * 2 * 64 * 64);
  });
});

describe('a ViT-B/16 graph built in torch-export style', () => {
  it('counts the hand-computed MACs at batch 1 and 8 through every reshape chain', () => {
    const vit = buildVit();
    expect(countFlops(vit, { batch: 1 }).macs).toBe(vitMacs(1));
    const report = countFlops(vit, { batch: 8 });
    expect(report.macs).toBe(vitMacs(8));
    expect(report.macs).toBe(8 * 17_563_828_224);
    expect(report.warnings).toEqual([]);
    expect(report.params).toBe(86_567_656);
  });
});
