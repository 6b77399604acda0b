// `runmeter run --model`: the model is counted at start, and the job's printed steps get FLOPs and achieved TFLOP/s.
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
});
