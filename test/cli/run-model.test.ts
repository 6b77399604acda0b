// `runmeter run --model`: the model is counted at start, and the job's printed steps get FLOPs and achieved TFLOP/s.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobsDir, realFixtures, runCli, showJson, tempHome } from '../helpers/cli.js';

const model = path.join(realFixtures, 'onnx', 'resnet18.onnx');
type Series = { name: string; context?: string; count: number; last?: number; min?: number; max?: number };

describe('runmeter run --model', () => {
  it('records flops/<label>/batch per printed step, their total, achieved TFLOP/s, and the model as params', async () => {
    const home = tempHome();
    const counted = await runCli(['flops', model, '--batch', '8', '--training', '--json'], { home });
    const { flops, params } = JSON.parse(counted.stdout.toString());
    // 150 steps printed over 3 s: one every 20 ms, 50 a second.
    const result = await runCli(
      ['run', '--no-system', '--model', model, '--batch-size', '8', '--', process.execPath, path.join(jobsDir, 'paced-metrics.mjs'), '150', '3'],
      { home },
    );
    expect(result.code, result.stderr.toString()).toBe(0);
    const { run, series } = await showJson(home);
    expect(run.params).toMatchObject({ 'model/resnet18/flops_per_batch': flops, 'model/resnet18/batch_size': 8, 'model/resnet18/parameters': params });
    const find = (name: string) => (series as Series[]).find((s) => s.name === name);
    expect(find('flops/resnet18/batch')).toMatchObject({ context: 'training', count: 150, min: flops, max: flops });
    expect(find('flops/resnet18/batch_total')).toMatchObject({ count: 150, last: 150 * flops });
    const achieved = find('perf/achieved_tflops') as Series;
    expect(achieved.count).toBeGreaterThanOrEqual(1);
    // Plausible, not timed: each window's rate is near 50 steps a second (the job's timers and the machine's load move it).
    const expected = (50 * flops) / 1e12;
    expect(achieved.min).toBeGreaterThan(expected / 2.5);
    expect(achieved.max).toBeLessThan(expected * 2.5);
    expect(find('perf/mfu_percent')).toBeUndefined(); // no GPU here
  });

  it('counts steps that start again at 1 every epoch: 3 epochs × 20 steps are 60 batches, with or without the epoch printed', async () => {
    const home = tempHome();
    const counted = await runCli(['flops', model, '--batch', '8', '--training', '--json'], { home });
    const { flops } = JSON.parse(counted.stdout.toString());
    expect(flops).toBeGreaterThan(0);
    for (const format of ['text', 'json']) {
      const job = [process.execPath, path.join(jobsDir, 'epoch-steps.mjs'), '3', '20', format];
      const result = await runCli(['run', '-q', '--no-system', '--model', model, '--batch-size', '8', '--', ...job], { home });
      expect(result.code, result.stderr.toString()).toBe(0);
      const { series } = await showJson(home);
      const find = (name: string) => (series as Series[]).find((s) => s.name === name);
      expect(find('loss')?.count, format).toBe(60);
      expect(find('flops/resnet18/batch'), format).toMatchObject({ count: 60, min: flops, max: flops });
      expect(find('flops/resnet18/batch_total'), format).toMatchObject({ count: 60, last: 60 * flops, max: 60 * flops });
    }
  });

  it('names --model and the file when it cannot be counted, and runs the job all the same', async () => {
    const home = tempHome();
    const missing = path.join(home, 'nope.onnx');
    const result = await runCli(['run', '--no-system', '--model', missing, '--', process.execPath, path.join(jobsDir, 'paced-metrics.mjs'), '5', '0.1'], {
      home,
    });
    expect(result.code).toBe(0);
    expect(result.stderr.toString()).toMatch(new RegExp(`runmeter: warning: --model ${missing}: .*; the job runs without its FLOPs`));
    const { series } = await showJson(home);
    expect((series as Series[]).find((s) => s.name === 'loss')?.count).toBe(5);

    const stray = await runCli(['run', '--batch-size', '8', '--', process.execPath, '-e', '0'], { home });
    expect(stray.code).toBe(2);
    expect(stray.stderr.toString()).toContain('--batch-size goes with --model');
  });

  it("takes the achieved TFLOP/s from the step time the job prints (nanoGPT's `time 100.00ms`), by the job's own clock", async () => {
    const home = tempHome();
    const { flops } = JSON.parse((await runCli(['flops', model, '--batch', '4', '--training', '--json'], { home })).stdout.toString());
    const job = 'for (let i = 1; i <= 20; i++) console.log("iter " + i + ": loss " + (1 / i).toFixed(4) + ", time 100.00ms")';
    const result = await runCli(['run', '-q', '--no-system', '--model', model, '--batch-size', '4', '--', process.execPath, '-e', job], { home });
    expect(result.code, result.stderr.toString()).toBe(0);
    const { series } = await showJson(home);
    const achieved = (series as Series[]).find((s) => s.name === 'perf/achieved_tflops');
    // Each printed line is one rate: 1 step × FLOPs per step ÷ 0.1 s, whatever the lines' arrival times.
    expect(achieved).toMatchObject({ count: 20 });
    expect(achieved?.min).toBeCloseTo(flops / 0.1 / 1e12, 9);
    expect(achieved?.max).toBeCloseTo(flops / 0.1 / 1e12, 9);
  });

  it('names --model and the file when it is not a model, and refuses an unknown --dtype before the job starts', async () => {
    const home = tempHome();
    const notes = path.join(home, 'notes.onnx');
    fs.writeFileSync(notes, 'these are my notes, not a protobuf\n');
    const result = await runCli(['run', '--no-system', '--model', notes, '--', process.execPath, path.join(jobsDir, 'paced-metrics.mjs'), '5', '0.1'], {
      home,
    });
    expect(result.code).toBe(0);
    expect(result.stderr.toString()).toMatch(new RegExp(`runmeter: warning: --model ${notes}: .*; the job runs without its FLOPs`));
    const { run, series } = await showJson(home);
    expect(run.status).toBe('succeeded');
    expect((series as Series[]).find((s) => s.name === 'loss')?.count).toBe(5);
    expect((series as Series[]).filter((s) => s.name.startsWith('flops/') || s.name.startsWith('perf/'))).toEqual([]);

    const dtype = await runCli(['run', '--model', model, '--dtype', 'fp13', '--', process.execPath, '-e', 'console.log("ran")'], { home });
    expect(dtype.code).toBe(2);
    expect(dtype.stdout.toString()).toBe('');
    expect(dtype.stderr.toString()).toContain('--dtype expects fp64, fp32, tf32, fp16, bf16 or fp8, got "fp13"');
  });
});
