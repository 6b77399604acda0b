// Peak dense (no 2:4 sparsity) TFLOP/s per GPU model and data type, for model FLOPs utilization (MFU).
// Vendors' datasheets often print tensor-core figures "with sparsity"; those are halved here, as noted per row.
// fp32 is plain FP32 (no TF32 tensor cores); fp16 and bf16 are tensor-core figures with FP32 accumulation.

/** Data types the peak table knows. */
export type PeakDtype = 'fp64' | 'fp32' | 'tf32' | 'fp16' | 'bf16' | 'fp8';

/** One GPU model's peaks, and where they come from. */
export interface GpuPeak {
  model: string;
  /** Matches the name NVML / nvidia-smi / rocm-smi reports, lowercased. */
  pattern: RegExp;
  tflops: Partial<Record<PeakDtype, number>>;
  source: string;
}

const hopperSxm = { fp64: 66.9, fp32: 66.9, tf32: 494.7, fp16: 989.4, bf16: 989.4, fp8: 1978.9 };
const hopperNvl = { fp64: 60, fp32: 60, tf32: 417.5, fp16: 835.5, bf16: 835.5, fp8: 1670.5 };
const ampere100 = { fp64: 19.5, fp32: 19.5, tf32: 156, fp16: 312, bf16: 312 };

/** The table, most specific names first (an "H100 PCIe" must not match the plain "H100" row). */
export const gpuPeaks: readonly GpuPeak[] = [
  {
    model: 'NVIDIA H100 PCIe',
    pattern: /h100.*pcie/,
    tflops: { fp64: 51.2, fp32: 51.2, tf32: 378, fp16: 756.5, bf16: 756.5, fp8: 1513 },
    // Datasheet: TF32 756*, BF16/FP16 1,513*, FP8 3,026* (*with sparsity), halved.
    source: 'https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet',
  },
  {
    model: 'NVIDIA H100 NVL',
    pattern: /h100.*nvl/,
    tflops: hopperNvl,
    // Datasheet: TF32 835*, BF16/FP16 1,671*, FP8 3,341* (*with sparsity), halved.
    source: 'https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet',
  },
  {
    model: 'NVIDIA H100 SXM',
    pattern: /h100/,
    tflops: hopperSxm,
    // Hopper whitepaper, table "H100 SXM5": dense figures as printed.
    source: 'https://resources.nvidia.com/en-us-tensor-core/gtc22-whitepaper-hopper',
  },
  {
    model: 'NVIDIA H200 NVL',
    pattern: /h200.*nvl/,
    tflops: hopperNvl,
    // H200 product page: TF32 835*, BF16 1,671*, FP8 3,341* (*with sparsity), halved.
    source: 'https://www.nvidia.com/en-us/data-center/h200/',
  },
  {
    model: 'NVIDIA H200 SXM',
    pattern: /h200|gh200/,
    tflops: hopperSxm,
    // H200 product page: TF32 989*, BF16 1,979*, FP8 3,958* (*with sparsity), halved; the same compute as H100 SXM.
    source: 'https://www.nvidia.com/en-us/data-center/h200/',
  },
  {
    model: 'NVIDIA B200',
    pattern: /\bb200/,
    tflops: { tf32: 1125, fp16: 2250, bf16: 2250, fp8: 4500 },
    // HGX B200 datasheet, 8 GPUs: TF32 18 PF*, FP16/BF16 36 PF*, FP8 72 PF* (*with sparsity): halved, divided by 8.
    source: 'https://www.nvidia.com/en-us/data-center/hgx/',
  },
  {
    model: 'NVIDIA A100',
    pattern: /a100|a800/,
    tflops: ampere100,
    // Datasheet: TF32 156, BF16/FP16 312 (dense); the same for SXM4 and PCIe, 40 and 80 GB.
    source: 'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf',
  },
  {
    model: 'NVIDIA L40S',
    pattern: /l40s/,
    tflops: { fp32: 91.6, tf32: 183, fp16: 362.05, bf16: 362.05, fp8: 733 },
    // Datasheet: TF32 183 | 366*, BF16/FP16 362.05 | 733*, FP8 733 | 1,466*.
    source: 'https://www.nvidia.com/en-us/data-center/l40s/',
  },
  {
    model: 'NVIDIA L40',
    pattern: /l40\b/,
    tflops: { fp32: 90.5, tf32: 90.5, fp16: 181.05, bf16: 181.05, fp8: 362 },
    // Datasheet: TF32 90.5 | 181*, BF16/FP16 181.05 | 362.1*, FP8 362 | 724*.
    source: 'https://www.nvidia.com/en-us/data-center/l40/',
  },
  {
    model: 'NVIDIA L4',
    pattern: /\bl4\b/,
    tflops: { fp32: 30.3, tf32: 60, fp16: 121, bf16: 121, fp8: 242.5 },
    // Datasheet: TF32 120*, BF16/FP16 242*, FP8 485* (*with sparsity), halved.
    source: 'https://www.nvidia.com/en-us/data-center/l4/',
  },
  {
    model: 'NVIDIA A10',
    pattern: /\ba10\b/,
    tflops: { fp32: 31.2, tf32: 62.5, fp16: 125, bf16: 125 },
    // Datasheet: TF32 62.5 | 125*, BF16/FP16 125 | 250*.
    source: 'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a10/pdf/datasheet-new/nvidia-a10-datasheet.pdf',
  },
  {
    model: 'NVIDIA T4',
    pattern: /\bt4\b/,
    tflops: { fp32: 8.1, fp16: 65 },
    // Datasheet: FP32 8.1, mixed precision (FP16/FP32) 65; no BF16 or TF32 on Turing.
    source: 'https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/tesla-t4/t4-tensor-core-datasheet-951643.pdf',
  },
  {
    model: 'NVIDIA V100S PCIe',
    pattern: /v100s/,
    tflops: { fp64: 8.2, fp32: 16.4, fp16: 130 },
    source: 'https://images.nvidia.com/content/technologies/volta/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf',
  },
  {
    model: 'NVIDIA V100 PCIe',
    pattern: /v100.*pcie/,
    tflops: { fp64: 7, fp32: 14, fp16: 112 },
    source: 'https://images.nvidia.com/content/technologies/volta/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf',
  },
  {
    model: 'NVIDIA V100 SXM2',
    pattern: /v100/,
    tflops: { fp64: 7.8, fp32: 15.7, fp16: 125 },
    // Datasheet: tensor performance 125 (SXM2), 112 (PCIe), 130 (V100S); no BF16 or TF32 on Volta.
    source: 'https://images.nvidia.com/content/technologies/volta/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf',
  },
  {
    model: 'NVIDIA GeForce RTX 4090',
    pattern: /rtx 4090/,
    tflops: { fp32: 82.6, tf32: 82.6, fp16: 165.2, bf16: 165.2, fp8: 330.3 },
    // Ada whitepaper, appendix: tensor figures "with FP32 accumulate", dense.
    source: 'https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf',
  },
  {
    model: 'NVIDIA GeForce RTX 3090',
    pattern: /rtx 3090/,
    tflops: { fp32: 35.6, tf32: 35.6, fp16: 71, bf16: 71 },
    // GA102 whitepaper, appendix A: FP16/BF16 tensor with FP32 accumulate 71 (142*), TF32 35.6 (71*).
    source: 'https://images.nvidia.com/aem-dam/en-zz/Solutions/geforce/ampere/pdf/NVIDIA-ampere-GA102-GPU-Architecture-Whitepaper-V1.pdf',
  },
  {
    model: 'AMD Instinct MI300X',
    pattern: /mi300x/,
    tflops: { fp64: 163.4, fp32: 163.4, tf32: 653.7, fp16: 1307.4, bf16: 1307.4, fp8: 2614.9 },
    // Product page: matrix figures, dense (sparsity figures are printed separately).
    source: 'https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html',
  },
  {
    model: 'AMD Instinct MI250X',
    pattern: /mi250x/,
    tflops: { fp64: 95.7, fp32: 95.7, fp16: 383, bf16: 383 },
    // Product page: FP64/FP32 matrix 95.7, FP16/BF16 383.
    source: 'https://www.amd.com/en/products/accelerators/instinct/mi200/mi250x.html',
  },
];

const dtypeAliases: Record<string, PeakDtype> = {
  fp64: 'fp64',
  float64: 'fp64',
  double: 'fp64',
  fp32: 'fp32',
  float32: 'fp32',
  float: 'fp32',
  tf32: 'tf32',
  fp16: 'fp16',
  float16: 'fp16',
  half: 'fp16',
  bf16: 'bf16',
  bfloat16: 'bf16',
  fp8: 'fp8',
  float8: 'fp8',
  e4m3: 'fp8',
  e5m2: 'fp8',
};

/** The table's name for a data type ('bfloat16' → 'bf16', 'torch.float16' → 'fp16'), or undefined. */
export function normalizePeakDtype(dtype: string): PeakDtype | undefined {
  const key = dtype
    .toLowerCase()
    .replace(/^torch\./, '')
    .replace(/_e4m3.*|_e5m2.*/, '');
  return dtypeAliases[key];
}

/** The peak table's row for a GPU, by the name NVML reports (e.g. "NVIDIA H100 80GB HBM3"). */
export function findGpuPeak(gpuName: string): GpuPeak | undefined {
  const name = gpuName.toLowerCase().replace(/[-_]/g, ' ');
  return gpuPeaks.find((row) => row.pattern.test(name));
}

/** Peak dense TFLOP/s of a GPU for a data type, or undefined when the GPU or the type is not in the table. */
export function peakTflops(gpuName: string, dtype: string): number | undefined {
  const key = normalizePeakDtype(dtype);
  return key === undefined ? undefined : findGpuPeak(gpuName)?.tflops[key];
}

/** Achieved throughput of a run, and its model FLOPs utilization where the GPU is in the peak table. */
export interface Throughput {
  /** Achieved TFLOP/s: model FLOPs over seconds. */
  tflops: number;
  /** The table row and peak used, when known. */
  gpuModel?: string;
  dtype?: PeakDtype;
  peakTflops?: number;
  /** tflops / (peak × gpus): between 0 and 1 for honest inputs. */
  mfu?: number;
}

/** Achieved TFLOP/s for `flops` done in `seconds`, and MFU against `gpus` GPUs named `gpuName` at `dtype` (default bf16). */
export function achievedThroughput(flops: number, seconds: number, gpuName?: string, dtype = 'bf16', gpus = 1): Throughput {
  const tflops = seconds > 0 && Number.isFinite(flops) ? flops / seconds / 1e12 : Number.NaN;
  const result: Throughput = { tflops };
  if (gpuName === undefined) return result;
  const row = findGpuPeak(gpuName);
  const key = normalizePeakDtype(dtype);
  const peak = key === undefined ? undefined : row?.tflops[key];
  if (row === undefined || key === undefined || peak === undefined) return result;
  return { ...result, gpuModel: row.model, dtype: key, peakTflops: peak, mfu: tflops / (peak * Math.max(gpus, 1)) };
}
