import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countFlops } from '../../src/flops/index.js';

// Exactness on graphs from torch's TorchScript exporter (torch.onnx.export, torch 1.13, torchvision 0.14) at opsets 11
// and 14, dynamic batch, weights stripped: Swin-T and the other torchvision models of issue 17. The reference MACs are
// torch's own count (torch.profiler with_flops) of the same modules at batch 1 and 3, written by export_models.py
// beside the graphs. When torch and torchvision are installed, a small Swin is also exported and counted live.

const here = path.dirname(new URL(import.meta.url).pathname);
const fixtures = path.join(here, '../fixtures/flops/torch');

interface Reference {
  model: string;
  opset: number;
  macs_batch1: number;
  batch: number;
  macs_batch: number;
}

function references(dir: string): Array<[string, Reference]> {
  return Object.entries(JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) as Record<string, Reference>);
}

describe('torch.onnx.export graphs count exactly', () => {
  it.each(references(fixtures))('%s at batch 1 and 3 equals torch.profiler', (file, reference) => {
    const model = path.join(fixtures, file);
    const one = countFlops(model, { batch: 1 });
    const three = countFlops(model, { batch: reference.batch });
    expect(one.warnings).toEqual([]);
    expect(one.macs).toBe(reference.macs_batch1);
    expect(three.macs).toBe(reference.macs_batch);
  });

  it('counts Swin-T exactly, the model that counted 14.45 M MACs before shape arithmetic was evaluated', () => {
    const report = countFlops(path.join(fixtures, 'swin_t_opset14.onnx'), { batch: 1 });
    expect(report.macs).toBe(4_490_566_656);
    expect(report.byOp.Pad?.nodes).toBe(15);
  });
});

// Exactness on graphs from torch 2.11's two exporters: TorchScript at opsets 14 and 18, and torch.export's (dynamo=True,
// opset 18), which writes graphs of a different shape (fewer, decomposed nodes; shapes folded at export). The reference
// MACs are torch.utils.flop_counter's on CUDA (test/fixtures/flops/exporters/reference.json says how they were made).
const exporters = path.join(here, '../fixtures/flops/exporters');
const exported = Object.entries(JSON.parse(fs.readFileSync(path.join(exporters, 'reference.json'), 'utf8')) as Record<string, unknown>).filter(([file]) =>
  file.endsWith('.onnx'),
) as Array<[string, { macs_batch1: number; macs_batch8: number; exporter: string }]>;

describe("torch 2.11's exporters: TorchScript at opsets 14 and 18, and torch.export's", () => {
  it.each(exported)('%s at batch 1 and 8 equals torch.utils.flop_counter', (file, reference) => {
    const one = countFlops(path.join(exporters, file), { batch: 1 });
    expect(one.warnings).toEqual([]);
    expect(one.unknownOps).toEqual([]);
    expect(one.macs).toBe(reference.macs_batch1);
    expect(countFlops(path.join(exporters, file), { batch: 8 }).macs).toBe(reference.macs_batch8);
  });

  it('covers each exporter on Swin-T, Swin-V2-T and MaxViT, the window-attention models', () => {
    for (const model of ['swin_t', 'swin_v2_t', 'maxvit_t']) {
      expect(exported.map(([file]) => file).filter((file) => file.startsWith(`${model}.`))).toEqual([
        `${model}.dynamo.onnx`,
        `${model}.ts14.onnx`,
        `${model}.ts18.onnx`,
      ]);
    }
  });
});

function hasTorchvision(): string | undefined {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision, onnx'], { encoding: 'utf8' });
  if (probe.error) return `no /usr/bin/python3 (${probe.error.message})`;
  return probe.status === 0 ? undefined : `python3 lacks torch, torchvision or onnx: ${probe.stderr.trim().split('\n').at(-1)}`;
}

const missing = hasTorchvision();

describe.skipIf(missing !== undefined)(`a Swin exported live by torch.onnx.export${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('counts a two-stage Swin on a 100 x 132 image (windows padded) exactly at opsets 11 and 17', { timeout: 180_000 }, () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-swin-'));
    const result = spawnSync('/usr/bin/python3', [path.join(fixtures, 'export_models.py'), out, '11,17', 'tiny_swin', '--batch', '2'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const exported = references(out);
    expect(exported.map(([file]) => file).sort()).toEqual(['tiny_swin_opset11.onnx', 'tiny_swin_opset17.onnx']);
    for (const [file, reference] of exported) {
      expect(countFlops(path.join(out, file), { batch: 1 }).macs).toBe(reference.macs_batch1);
      expect(countFlops(path.join(out, file), { batch: 2 }).macs).toBe(reference.macs_batch);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });
});
