import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mfuPercent, type PerfConfig, PerfMeter, printedFlopsPerSecond, printedStepSeconds } from '../../src/agent/perf.js';
import type { ParsedMetric } from '../../src/model/point.js';
import type { MachineInfo } from '../../src/model/run.js';
import { describeMachine } from '../../src/sample/index.js';

// The name NVML gave on a real H100 (test/fixtures/real/gpu/nvml_h100.md), as the stand-in library replays it.
const H100 = 'NVIDIA H100 80GB HBM3';
const config: PerfConfig = { label: 'net', flopsPerStep: 3e12, samplesPerStep: 8, dtype: 'bf16' };

function meterWith(options: Partial<PerfConfig> = {}) {
  const points: Array<{ name: string; time: number; step: number | undefined; value: number; unit: string | undefined }> = [];
  const meter = new PerfMeter({ ...config, ...options }, (series, time, step, _epoch, value) =>
    points.push({ name: series.name, time, step, value, unit: series.unit }),
  );
  const metric = (time: number, fields: Partial<ParsedMetric>) => meter.metric({ name: 'loss', value: 1, line: 1, format: 'json', ...fields }, time);
  const named = (name: string) => points.filter((p) => p.name === name);
  return { meter, metric, points, named };
}

const machine = (names: string[]): MachineInfo =>
  ({ gpus: names.map((name, index) => ({ index, name })), cpuCount: 2, memoryBytes: 1 }) as unknown as MachineInfo;

describe('MFU against the peak table', () => {
  it("takes an H100 SXM's dense bf16 peak (989.4 TFLOP/s) by the name NVML reports", () => {
    expect(mfuPercent(494.7, H100, 'bf16')).toBeCloseTo(50, 10);
    expect(mfuPercent(494.7, H100, 'fp8')).toBeCloseTo((100 * 494.7) / 1978.9, 10);
    // Two GPUs share the work: the peak doubles.
    expect(mfuPercent(494.7, H100, 'bf16', 2)).toBeCloseTo(25, 10);
    expect(mfuPercent(100, 'NVIDIA A100-SXM4-80GB', 'bfloat16')).toBeCloseTo((100 * 100) / 312, 10);
  });

  it('has none for a GPU or a data type the table does not know', () => {
    expect(mfuPercent(100, 'Quadro K620', 'bf16')).toBeUndefined();
    expect(mfuPercent(100, 'Tesla T4', 'bf16')).toBeUndefined();
    expect(mfuPercent(100, H100, 'int4')).toBeUndefined();
  });
});

describe('PerfMeter', () => {
  it("records the FLOPs per batch at the run's start", () => {
    const { meter, points } = meterWith();
    meter.start(1000);
    expect(points).toEqual([{ name: 'flops/net/batch', time: 1000, step: undefined, value: 3e12, unit: undefined }]);
  });

  it('measures the rate over windows of at least a second of step arrivals, counting steps printed every k', () => {
    const { metric, named } = meterWith();
    // Steps 0, 10, 20, ... arrive every 500 ms: 20 steps a second, 60 TFLOP/s at 3 TFLOP a step.
    for (let i = 0; i <= 6; i++) {
      metric(10_000 + 500 * i, { step: 10 * i });
      metric(10_000 + 500 * i + 1, { name: 'accuracy', step: 10 * i });
    }
    expect(named('perf/achieved_tflops').map((p) => [p.step, p.value, p.unit])).toEqual([
      [20, 60, 'TFLOP/s'],
      [40, 60, 'TFLOP/s'],
      [60, 60, 'TFLOP/s'],
    ]);
  });

  it('starts a new window when steps count from the start again, and ignores validation metrics and other ranks', () => {
    const { metric, named } = meterWith();
    metric(0, { step: 0 });
    metric(900, { step: 90 });
    metric(950, { step: 5 }); // the next epoch counts from 0 again: no negative rate
    metric(1000, { name: 'val_loss', step: 1_000_000 });
    metric(1000, { name: 'loss', step: 1_000_000, rank: 1 });
    metric(1950, { step: 15 });
    expect(named('perf/achieved_tflops').map((p) => p.value)).toEqual([30]);
  });

  it('uses a printed step time (nanoGPT prints `time 120.5ms`) or samples/s, and then no longer the arrivals', () => {
    const { metric, named } = meterWith({ tokensPerStep: 8 * 1024 });
    metric(0, { step: 0 });
    metric(100, { name: 'time', value: 150, unit: 'ms', step: 1 });
    metric(200, { name: 'step_time', value: 0.5, step: 2 });
    metric(300, { name: 'train_samples_per_second', value: 16, step: 3 });
    metric(400, { name: 'tps', value: 8192, unit: 'tok/s', step: 4 });
    metric(5000, { step: 100 });
    expect(named('perf/achieved_tflops').map((p) => [p.step, p.value])).toEqual([
      [1, 20],
      [2, 6],
      [3, 6],
      [4, 3],
    ]);
  });

  it('reads a plain `time` as a step time only with a unit, and tokens/s only when the tokens per step are known', () => {
    expect(printedStepSeconds({ name: 'time', value: 3600 })).toBeUndefined();
    expect(printedStepSeconds({ name: 'dt', value: 250, unit: 'ms' })).toBe(0.25);
    expect(printedStepSeconds({ name: 'iter_time', value: 0.25 })).toBe(0.25);
    expect(printedStepSeconds({ name: 'epoch_time', value: 30 })).toBeUndefined();
    expect(printedFlopsPerSecond({ name: 'tokens_per_sec', value: 1000 }, config)).toBeUndefined();
    expect(printedFlopsPerSecond({ name: 'tokens_per_sec', value: 1000 }, { ...config, tokensPerStep: 500 })).toBe(6e12);
  });

  it('records MFU once the GPUs are known, for the rates measured before too', () => {
    const { meter, metric, named } = meterWith();
    metric(0, { step: 0 });
    metric(1000, { step: 33 }); // 99 TFLOP/s
    expect(named('perf/mfu_percent')).toEqual([]);
    meter.machine(machine([H100]));
    metric(2000, { step: 66 });
    expect(named('perf/mfu_percent').map((p) => [p.step, p.unit])).toEqual([
      [33, '%'],
      [66, '%'],
    ]);
    for (const p of named('perf/mfu_percent')) expect(p.value).toBeCloseTo((100 * 99) / 989.4, 10);
  });

  it('records no MFU on a machine without a GPU in the table', () => {
    const { meter, metric, named } = meterWith();
    meter.machine(machine([]));
    metric(0, { step: 0 });
    metric(1000, { step: 10 });
    expect(named('perf/achieved_tflops')).toHaveLength(1);
    expect(named('perf/mfu_percent')).toEqual([]);
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

describe.skipIf(compiler === undefined || process.platform !== 'linux')('MFU on a machine described through NVML (a stand-in libnvidia-ml)', () => {
  it("takes the peak of the GPU NVML names, at the user's --dtype", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-perf-nvml-'));
    const library = path.join(dir, 'libfake-nvml.so');
    execFileSync(compiler ?? 'cc', ['-shared', '-fPIC', '-o', library, path.join(import.meta.dirname, '../sample/fake-nvml/fake-nvml.c')]);
    try {
      const described = await describeMachine({ CUDA_VISIBLE_DEVICES: '0' }, { nvmlLibrary: library });
      expect(described.gpus.map((g) => g.name)).toEqual([H100]);
      const { meter, metric, named } = meterWith({ dtype: 'fp16' });
      meter.machine(described);
      metric(0, { step: 0 });
      metric(2000, { step: 330 }); // 495 TFLOP/s
      expect(named('perf/achieved_tflops').map((p) => p.value)).toEqual([495]);
      expect(named('perf/mfu_percent')[0]?.value).toBeCloseTo((100 * 495) / 989.4, 10);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
