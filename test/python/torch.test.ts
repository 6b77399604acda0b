// A real PyTorch job (Debian's python3-torch, CPU) logging FLOPs of its live model through the Python client: the
// counts equal what `runmeter flops` prints for the same model exported at the same batch.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, showJson, tempHome } from '../helpers/cli.js';
import { clientEnv, fixture, hasTorch, python, runPython } from './helpers.js';

type Series = { name: string; context?: string; count: number; last?: number; min?: number; max?: number };

async function flopsOf(home: string, model: string, batch: number, training: boolean): Promise<number> {
  const result = await runCli(['flops', model, '--batch', String(batch), '--json', ...(training ? ['--training'] : [])], { home });
  expect(result.code, result.stderr.toString()).toBe(0);
  return JSON.parse(result.stdout.toString()).flops;
}

function expectCnnFlops(series: Series[], perBatch: { training: number; forward: number }, perSampleTraining: number): void {
  const find = (name: string, context: string) => series.find((s) => s.name === name && s.context === context);
  expect(find('flops/cnn/batch', 'training')).toMatchObject({ count: 3, min: perBatch.training, max: perBatch.training });
  expect(find('flops/cnn/batch_total', 'training')).toMatchObject({ count: 3, last: 3 * perBatch.training });
  expect(find('flops/cnn/batch', 'validation')).toMatchObject({ count: 1, last: perBatch.forward });
  expect(find('flops/cnn/epoch', 'training')).toMatchObject({ count: 1, last: 96 * perSampleTraining });
  expect(find('loss', 'training')?.count).toBe(3);
}

describe.skipIf(!hasTorch)('FLOPs of a live torch model (skipped: /usr/bin/python3 cannot import torch)', () => {
  it('inside runmeter run and outside it, log_flops_per_batch/epoch record what runmeter flops counts on the same export', async () => {
    const home = tempHome();
    const exported = path.join(home, 'cnn.onnx');
    const inside = await runCli(['run', '--no-system', '--', python, fixture('cnn_flops.py'), exported], { home });
    expect(inside.code, inside.stderr.toString()).toBe(0);
    // The exporter's own warnings (TracerWarning, DeprecationWarning from torch 2.9 on) are not the job's: none are printed.
    expect(inside.stderr.toString()).not.toMatch(/Warning|Traceback|torch\.onnx/);
    const perBatch = { training: await flopsOf(home, exported, 32, true), forward: await flopsOf(home, exported, 32, false) };
    const perSample = await flopsOf(home, exported, 1, true);
    expect(perBatch.training).toBe(3 * perBatch.forward); // and far from zero: conv + linear at batch 32
    expect(perBatch.forward).toBeGreaterThan(10_000_000);
    const { run, series } = await showJson(home);
    expect(run.params).toMatchObject({ batch_size: 32 });
    expectCnnFlops(series as Series[], perBatch, perSample);

    const outsideHome = tempHome();
    const outside = await runPython([fixture('cnn_flops.py'), path.join(outsideHome, 'cnn.onnx')], clientEnv(outsideHome));
    expect(outside.code, outside.stderr.toString()).toBe(0);
    const again = await showJson(outsideHome);
    expect(again.run).toMatchObject({ name: 'cnn-flops', status: 'succeeded' });
    expectCnnFlops(again.series as Series[], perBatch, perSample);
  });

  it('a model that gets the id of a freed one is exported again: its FLOPs are its own', async () => {
    const home = tempHome();
    const result = await runPython([fixture('reused_id.py')], clientEnv(home));
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toEqual({ reused: true }); // else this test proves nothing
    const { series } = await showJson(home);
    const flops = (label: string) => (series as Series[]).find((s) => s.name === `flops/${label}/batch`)?.last;
    // Linear(8, 512) + Linear(512, 1) at batch 4 is over a hundred times Linear(8, 2) + Linear(2, 1).
    expect(flops('small')).toBeGreaterThan(0);
    expect(flops('big')).toBeGreaterThan(100 * (flops('small') ?? 0));
  });

  it("the exporter's warnings are not printed into the job's output; the FLOPs are recorded", async () => {
    const home = tempHome();
    const result = await runPython([fixture('export_warns.py')], clientEnv(home));
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(result.stderr.toString()).toBe('job: done\n');
    const { series } = await showJson(home);
    // Linear(8, 4) at batch 2, training (3 x forward): 3 x 2 x (2 x 8 x 4) multiply-adds and the bias adds.
    expect((series as Series[]).find((s) => s.name === 'flops/gated/batch')?.last).toBeGreaterThanOrEqual(3 * 2 * 2 * 8 * 4);
  });

  it('a model that cannot be exported is said once and recorded with the reason; the training goes on', async () => {
    const home = tempHome();
    const result = await runPython([fixture('unexportable.py')], clientEnv(home));
    expect(result.code, result.stderr.toString()).toBe(0);
    const said = result.stderr
      .toString()
      .split('\n')
      .filter((line) => line.startsWith('runmeter:'));
    expect(said).toEqual([
      expect.stringMatching(
        /^runmeter: log_flops_per_batch: the model could not be exported to ONNX to count its FLOPs \(UnsupportedOperatorError: .*fft.*\); its FLOPs are not recorded$/,
      ),
    ]);
    const { run, series } = await showJson(home);
    expect((run.params as Record<string, string>)['flops/odd/problem']).toMatch(/^UnsupportedOperatorError: .*fft/);
    expect((series as Series[]).map((s) => [s.name, s.count])).toEqual([['loss', 3]]);
  });
});
