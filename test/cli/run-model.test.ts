import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobsDir, root, runCli, showJson, tempHome } from '../helpers/cli.js';

const node = process.execPath;
const model = path.join(root, 'test/fixtures/flops/torch/googlenet_opset11.onnx');
const stepsJob = path.join(jobsDir, 'steps-at-rate.mjs');
type Series = { name: string; kind: string; count: number; last: number; min: number; max: number };
const seriesNamed = (series: Array<Record<string, unknown>>, name: string) => series.find((s) => s.name === name) as Series | undefined;

describe('runmeter run --model', () => {
  it("records the model's training FLOPs per batch, as `runmeter flops --training` counts them, its params, and the achieved TFLOP/s of the job's steps", async () => {
    const home = tempHome();
    const counted = await runCli(['flops', model, '--batch', '8', '--training', '--json'], { home });
    const flopsPerBatch = JSON.parse(counted.stdout.toString()).flops as number;
    expect(flopsPerBatch).toBeGreaterThan(1e10);

    // 60 steps, one every 50 ms: about 3 s of training at 20 steps a second.
    const result = await runCli(['run', '--no-system', '--model', model, '--batch-size', '8', '--', node, stepsJob, '60', '50'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout.toString().split('\n').filter(Boolean)).toHaveLength(60);
    const { run, series } = await showJson(home);
    expect(run.params).toMatchObject({
      'model/googlenet_opset11/flops_per_batch': flopsPerBatch,
      'model/googlenet_opset11/batch_size': 8,
      'model/googlenet_opset11/params': JSON.parse(counted.stdout.toString()).params,
    });
    const batch = seriesNamed(series, 'flops/googlenet_opset11/batch');
    expect(batch).toMatchObject({ kind: 'flops', count: 1, last: flopsPerBatch });

    // Steps cannot come faster than every 50 ms; a busy machine may make them slower, never ten times faster.
    const achieved = seriesNamed(series, 'perf/achieved_tflops');
    const expected = flopsPerBatch / 0.05 / 1e12;
    expect(achieved?.kind).toBe('flops');
    expect(achieved?.count).toBeGreaterThanOrEqual(1);
    expect(achieved?.max).toBeLessThan(expected * 1.5);
    expect(achieved?.min).toBeGreaterThan(expected * 0.2);
    // No GPU here: no MFU.
    expect(seriesNamed(series, 'perf/mfu_percent')).toBeUndefined();
  }, 30_000);

  it('takes --model-label and --input, and counts the batch --input gives', async () => {
    const home = tempHome();
    const counted = JSON.parse((await runCli(['flops', model, '--json'], { home })).stdout.toString());
    const inputName = Object.keys(counted.inputs)[0] as string;
    const withInput = JSON.parse((await runCli(['flops', model, '--input', `${inputName}=2x3x224x224`, '--training', '--json'], { home })).stdout.toString());
    const result = await runCli(
      ['run', '-q', '--no-system', '--model', model, '--model-label', 'net', '--input', `${inputName}=2x3x224x224`, '--', node, stepsJob, '3', '10'],
      { home },
    );
    expect(result.code).toBe(0);
    const { run, series } = await showJson(home);
    expect(run.params).toMatchObject({ 'model/net/flops_per_batch': withInput.flops, 'model/net/batch_size': 2 });
    expect(seriesNamed(series, 'flops/net/batch')?.last).toBe(withInput.flops);
  }, 30_000);

  for (const [what, file] of [
    ['a missing file', (dir: string) => path.join(dir, 'no-such-model.onnx')],
    [
      'a file that is not a model',
      (dir: string) => {
        const bad = path.join(dir, 'notes.onnx');
        fs.writeFileSync(bad, 'these are my notes, not a protobuf\n');
        return bad;
      },
    ],
  ] as const) {
    it(`says which --model could not be counted (${what}), and the job still runs and is recorded`, async () => {
      const home = tempHome();
      const modelFile = file(home);
      const result = await runCli(['run', '--no-system', '--model', modelFile, '--batch-size', '8', '--', node, stepsJob, '5', '10'], { home });
      expect(result.code).toBe(0);
      expect(result.stdout.toString().split('\n').filter(Boolean)).toHaveLength(5);
      const stderr = result.stderr.toString();
      expect(stderr).toContain(`runmeter: warning: --model ${modelFile}: cannot count its FLOPs`);
      const { run, series } = await showJson(home);
      expect(run.status).toBe('succeeded');
      expect(seriesNamed(series, 'loss')?.count).toBe(5);
      expect(series.filter((s) => s.kind === 'flops')).toEqual([]);
    }, 30_000);
  }

  it('refuses --batch-size without --model, and an unknown --dtype, before running anything', async () => {
    const home = tempHome();
    const orphan = await runCli(['run', '--batch-size', '8', '--', node, '-e', 'console.log("ran")'], { home });
    expect(orphan.code).toBe(2);
    expect(orphan.stdout.toString()).toBe('');
    expect(orphan.stderr.toString()).toContain('--batch-size describes the model of --model, which is not given');
    const dtype = await runCli(['run', '--model', model, '--dtype', 'fp13', '--', node, '-e', 'console.log("ran")'], { home });
    expect(dtype.stderr.toString()).toContain('--dtype expects one of fp64, fp32, tf32, fp16, bf16, fp8, got "fp13"');
    expect(dtype.stdout.toString()).toBe('');
  }, 30_000);
});
