import { describe, expect, it } from 'vitest';
import { StepFlops } from '../../src/agent/step-flops.js';
import { peakTflops } from '../../src/model/gpu-peaks.js';

function recorded(gpu?: { name: string; count: number }, dtype = 'bf16') {
  const points: Array<[string, number, number, number]> = [];
  const flops = new StepFlops({ label: 'net', flopsPerBatch: 6e12, dtype }, (key, time, step, value) => points.push([key.name, time, step, value]));
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
      [9, 150],
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
