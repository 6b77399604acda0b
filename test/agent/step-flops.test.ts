import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printedFlopsPerSecond, printedStepSeconds, type RunModel, StepFlops, TrainingSteps } from '../../src/agent/step-flops.js';
import { peakTflops } from '../../src/model/gpu-peaks.js';
import { createOutputParser } from '../../src/parse/index.js';
import { describeMachine } from '../../src/sample/index.js';
import { realFixtures } from '../helpers/cli.js';

function recorded(gpu?: { name: string; count: number }, dtype = 'bf16', sizes: Partial<RunModel> = {}) {
  const points: Array<[string, number, number, number]> = [];
  const flops = new StepFlops({ label: 'net', flopsPerBatch: 6e12, dtype, ...sizes }, (key, time, step, _epoch, value) =>
    points.push([key.name, time, step, value]),
  );
  if (gpu) flops.onGpus(gpu.name, gpu.count);
  return { flops, points, of: (name: string) => points.filter((p) => p[0] === name).map((p) => p.slice(1)) };
}

describe('FLOPs per printed step (run --model)', () => {
  it('records each new step once, with the running total from the first step seen', () => {
    const { flops, of } = recorded();
    for (const [step, time] of [
      [10, 0],
      [10, 5],
      [11, 100],
      [13, 200],
    ] as const)
      flops.step(step, time);
    expect(of('flops/net/batch')).toEqual([
      [0, 10, 6e12],
      [100, 11, 6e12],
      [200, 13, 6e12],
    ]);
    expect(of('flops/net/batch_total')).toEqual([
      [0, 10, 6e12],
      [100, 11, 12e12],
      [200, 13, 24e12],
    ]);
  });

  it('counts steps that start again every epoch, with or without the epoch on the line', () => {
    for (const withEpoch of [false, true]) {
      const { flops, of } = recorded();
      let time = 0;
      for (let epoch = 1; epoch <= 3; epoch++)
        for (let step = 1; step <= 20; step++) {
          flops.step(step, time, withEpoch ? epoch : undefined);
          flops.step(step, time, withEpoch ? epoch : undefined); // a second metric of the same step
          time += 10;
        }
      expect(of('flops/net/batch')).toHaveLength(60);
      expect(of('flops/net/batch_total').map((p) => p[2])).toEqual(Array.from({ length: 60 }, (_, i) => (i + 1) * 6e12));
      // The windows count steps done, not step numbers: 60 steps in 0.59 s, at 100 steps a second.
      expect(of('perf/achieved_tflops')).toEqual([]);
    }
  });

  it('counts achieved TFLOP/s across an epoch boundary from the steps done, not the step numbers', () => {
    const { flops, of } = recorded();
    flops.step(1, 0);
    flops.step(20, 1000);
    flops.step(2, 2000); // a new pass, 2 steps into it: 21 steps since the window began
    expect(of('flops/net/batch_total').map((p) => p[2])).toEqual([6e12, 120e12, 132e12]);
    expect(of('perf/achieved_tflops')).toEqual([[2000, 2, (21 * 6) / 2]]);
  });
  it('achieved TFLOP/s over windows of at least 2 s, and MFU against the peak of the GPUs it runs on', () => {
    const { flops, of } = recorded({ name: 'NVIDIA H100 80GB HBM3', count: 2 });
    flops.step(0, 0);
    flops.step(10, 1000); // a second in: the window goes on
    flops.step(30, 2500); // 30 steps × 6 TFLOP in 2.5 s = 72 TFLOP/s
    flops.step(40, 5000); // 10 steps in 2.5 s = 24 TFLOP/s
    expect(of('perf/achieved_tflops')).toEqual([
      [2500, 30, 72],
      [5000, 40, 24],
    ]);
    const peak = peakTflops('NVIDIA H100 80GB HBM3', 'bf16') as number;
    expect(peak).toBeGreaterThan(500);
    const mfu = of('perf/mfu_percent');
    expect(mfu.map(([, step]) => step)).toEqual([30, 40]);
    expect(mfu[0]?.[2]).toBeCloseTo((72 / (2 * peak)) * 100, 10);
    expect(mfu[1]?.[2]).toBeCloseTo((24 / (2 * peak)) * 100, 10);
  });

  it('records no MFU where the GPU is unknown or there is none', () => {
    for (const gpu of [undefined, { name: 'Some Future Accelerator', count: 1 }]) {
      const { flops, of } = recorded(gpu);
      flops.step(0, 0);
      flops.step(5, 3000);
      expect(of('perf/achieved_tflops')).toEqual([[3000, 5, 10]]);
      expect(of('perf/mfu_percent')).toEqual([]);
    }
  });
});

describe('which printed steps are new training steps', () => {
  const count = (lines: Array<[number, number?, number?]>) => {
    const steps = new TrainingSteps();
    const finished = lines.map(([step, epoch, rank]) => steps.next(step, epoch, rank));
    return { finished, done: steps.done, printed: steps.printed };
  };

  it('a new (epoch, step) pair is a new step; the same pair again is not', () => {
    expect(
      count([
        [1, 1],
        [2, 1],
        [2, 1],
        [1, 2],
        [2, 2],
        [2, 2],
        [1, 3],
      ]),
    ).toEqual({ finished: [1, 1, 0, 1, 1, 0, 1], done: 5, printed: 5 });
  });

  it('steps that go on across epochs (a global step) are not a new pass', () => {
    expect(
      count([
        [1, 1],
        [2, 1],
        [3, 2],
        [4, 2],
      ]),
    ).toEqual({ finished: [1, 1, 1, 1], done: 4, printed: 4 });
    // Printed every 10th step: the steps between count too, as in the first pass.
    expect(
      count([
        [10, 1],
        [20, 1],
        [30, 2],
      ]).done,
    ).toBe(21);
  });

  it('without the epoch, a step lower than the last starts a new pass; a repeat of the last is no new step', () => {
    expect(count([[0], [1], [2], [2], [0], [1], [1], [0]])).toEqual({ finished: [1, 1, 1, 0, 1, 1, 0, 1], done: 6, printed: 6 });
    // A pass printed every 10th step from 10: each pass counts from the first step seen, as the first one does.
    expect(count([[10], [20], [30], [10], [20]]).done).toBe(21 + 1 + 10);
  });

  it('a line with the step and none with the epoch repeats it; the epoch from a later line does not make it new', () => {
    expect(count([[4, 1], [5], [5, 1], [1, 2]])).toEqual({ finished: [1, 1, 0, 1], done: 3, printed: 3 });
  });

  it('epoch summaries among step lines without an epoch (their step is the epoch) never start a pass', () => {
    // As test/fixtures/real/logs/torch_json.stdout: loss every 50 steps, then {"metric": "accuracy", "epoch": 0}.
    expect(count([[50], [100], [0, 0], [150], [200], [1, 1], [250]])).toEqual({ finished: [1, 50, 0, 50, 50, 0, 50], done: 201, printed: 5 });
    // The same, from the real log, through the real parser: 16 loss lines, 751 steps from the first one.
    const steps = new TrainingSteps();
    const parser = createOutputParser({ metric: (m) => (m.step !== undefined && m.context !== 'validation' ? steps.next(m.step, m.epoch, m.rank) : 0) });
    parser.push(fs.readFileSync(path.join(realFixtures, 'logs', 'torch_json.stdout')));
    parser.end();
    expect({ printed: steps.printed, done: steps.done }).toEqual({ printed: 16, done: 751 });
  });

  it("follows the first rank that printed a step: another rank's lines never look like a new pass", () => {
    expect(
      count([
        [1, undefined, 0],
        [1, undefined, 1],
        [2, undefined, 0],
        [1, undefined, 1],
        [3, undefined, 0],
      ]),
    ).toEqual({
      finished: [1, 0, 1, 0, 1],
      done: 3,
      printed: 3,
    });
  });
});

describe('a step time or throughput the job prints (run --model)', () => {
  it("gives the achieved TFLOP/s by the job's own clock, and arrival windows stop", () => {
    const { flops, of } = recorded(undefined, 'bf16', { samplesPerBatch: 8, tokensPerBatch: 8 * 1024 });
    flops.step(0, 0);
    flops.printed({ name: 'time', value: 150, unit: 'ms', step: 1 }, 100); // nanoGPT: 6 TFLOP in 0.15 s
    flops.printed({ name: 'step_time', value: 0.5, step: 2 }, 200);
    flops.printed({ name: 'train_samples_per_second', value: 16, step: 3 }, 300); // 2 batches a second
    flops.printed({ name: 'tps', value: 4096, unit: 'tok/s', step: 4 }, 400); // torchtitan: half a batch a second
    flops.printed({ name: 'loss', value: 0.5, step: 4 }, 400);
    flops.printed({ name: 'step_time', value: 0.1, step: 4, rank: 1 }, 400); // another rank's line
    flops.step(100, 5000); // a window of arrivals that would say 120 TFLOP/s
    expect(of('perf/achieved_tflops')).toEqual([
      [100, 1, 40],
      [200, 2, 12],
      [300, 3, 12],
      [400, 4, 3],
    ]);
  });

  it('reads a plain `time` as a step time only with a unit, and tokens/s only when the tokens per step are known', () => {
    expect(printedStepSeconds({ name: 'time', value: 3600 })).toBeUndefined();
    expect(printedStepSeconds({ name: 'dt', value: 250, unit: 'ms' })).toBe(0.25);
    expect(printedStepSeconds({ name: 'iter_time', value: 0.25 })).toBe(0.25);
    expect(printedStepSeconds({ name: 'epoch_time', value: 30 })).toBeUndefined();
    const model: RunModel = { label: 'net', flopsPerBatch: 3e12, dtype: 'bf16', samplesPerBatch: 8 };
    expect(printedFlopsPerSecond({ name: 'tokens_per_sec', value: 1000 }, model)).toBeUndefined();
    expect(printedFlopsPerSecond({ name: 'tokens_per_sec', value: 1000 }, { ...model, tokensPerBatch: 500 })).toBe(6e12);
    expect(printedFlopsPerSecond({ name: 'samples_per_sec', value: 4 }, model)).toBe(1.5e12);
  });
});

const compiler = ['cc', 'gcc', 'clang'].find((cc) => {
  try {
    execFileSync(cc, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(compiler === undefined || process.platform !== 'linux')('MFU on a machine described through NVML (the stand-in libnvidia-ml)', () => {
  it("takes the peak of the GPU NVML names, at the user's --dtype", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-step-flops-nvml-'));
    const library = path.join(dir, 'libfake-nvml.so');
    execFileSync(compiler ?? 'cc', ['-shared', '-fPIC', '-o', library, path.join(import.meta.dirname, '../sample/fake-nvml/fake-nvml.c')]);
    try {
      // What the ingest worker does with describeMachine's answer; the stand-in replays a real H100's NVML values.
      const machine = await describeMachine({ CUDA_VISIBLE_DEVICES: '0' }, { nvmlLibrary: library });
      expect(machine.gpus.map((g) => g.name)).toEqual(['NVIDIA H100 80GB HBM3']);
      const { flops, of } = recorded(undefined, 'fp16');
      flops.onGpus(machine.gpus[0]?.name, machine.gpus.length);
      flops.step(0, 0);
      flops.step(165, 2000); // 165 × 6 TFLOP in 2 s = 495 TFLOP/s
      expect(of('perf/achieved_tflops')).toEqual([[2000, 165, 495]]);
      expect(of('perf/mfu_percent')[0]?.[2]).toBeCloseTo((100 * 495) / 989.4, 10);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
