import { describe, expect, it } from 'vitest';
import { achievedThroughput, findGpuPeak, gpuPeaks, normalizePeakDtype, peakTflops } from '../../src/model/gpu-peaks.js';

describe('the GPU peak table', () => {
  it('finds GPUs by the names NVML and nvidia-smi report', () => {
    expect(findGpuPeak('NVIDIA H100 80GB HBM3')?.model).toBe('NVIDIA H100 SXM');
    expect(findGpuPeak('NVIDIA H100 PCIe')?.model).toBe('NVIDIA H100 PCIe');
    expect(findGpuPeak('NVIDIA H100 NVL')?.model).toBe('NVIDIA H100 NVL');
    expect(findGpuPeak('NVIDIA A100-SXM4-80GB')?.model).toBe('NVIDIA A100');
    expect(findGpuPeak('NVIDIA A100 80GB PCIe')?.model).toBe('NVIDIA A100');
    expect(findGpuPeak('Tesla V100-SXM2-16GB')?.model).toBe('NVIDIA V100 SXM2');
    expect(findGpuPeak('Tesla V100-PCIE-32GB')?.model).toBe('NVIDIA V100 PCIe');
    expect(findGpuPeak('Tesla T4')?.model).toBe('NVIDIA T4');
    expect(findGpuPeak('NVIDIA L4')?.model).toBe('NVIDIA L4');
    expect(findGpuPeak('NVIDIA L40S')?.model).toBe('NVIDIA L40S');
    expect(findGpuPeak('NVIDIA A10')?.model).toBe('NVIDIA A10');
    expect(findGpuPeak('NVIDIA GeForce RTX 4090')?.model).toBe('NVIDIA GeForce RTX 4090');
    expect(findGpuPeak('AMD Instinct MI300X')?.model).toBe('AMD Instinct MI300X');
    expect(findGpuPeak('NVIDIA GeForce GTX 1080')).toBeUndefined();
  });

  it('gives dense peaks per data type, accepting framework spellings', () => {
    expect(peakTflops('NVIDIA H100 80GB HBM3', 'bf16')).toBe(989.4);
    expect(peakTflops('NVIDIA H100 80GB HBM3', 'torch.bfloat16')).toBe(989.4);
    expect(peakTflops('NVIDIA A100-SXM4-40GB', 'float16')).toBe(312);
    expect(peakTflops('Tesla T4', 'bf16')).toBeUndefined();
    expect(normalizePeakDtype('float8_e4m3fn')).toBe('fp8');
  });

  it('cites a source for every row, and never lists a lower precision slower than fp32', () => {
    for (const row of gpuPeaks) {
      expect(row.source).toMatch(/^https:\/\//);
      const fp32 = row.tflops.fp32 ?? 0;
      for (const dtype of ['tf32', 'fp16', 'bf16', 'fp8'] as const) expect(row.tflops[dtype] ?? fp32).toBeGreaterThanOrEqual(fp32);
    }
  });
});

describe('achievedThroughput', () => {
  it('divides FLOPs by seconds and by the GPUs’ peak', () => {
    const result = achievedThroughput(494.7e12, 1, 'NVIDIA H100 80GB HBM3', 'bf16');
    expect(result.tflops).toBeCloseTo(494.7);
    expect(result).toMatchObject({ gpuModel: 'NVIDIA H100 SXM', dtype: 'bf16', peakTflops: 989.4 });
    expect(result.mfu).toBeCloseTo(0.5);
    expect(achievedThroughput(624e12, 2, 'NVIDIA A100-SXM4-80GB', 'fp16', 2).mfu).toBeCloseTo(0.5);
  });

  it('gives the achieved TFLOP/s alone for an unknown GPU or data type', () => {
    expect(achievedThroughput(2e12, 4, 'Some Future GPU')).toEqual({ tflops: 0.5 });
    expect(achievedThroughput(2e12, 4, 'Tesla T4', 'bf16')).toEqual({ tflops: 0.5 });
    expect(Number.isNaN(achievedThroughput(1, 0).tflops)).toBe(true);
  });
});
