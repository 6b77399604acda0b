import path from 'node:path';
import type { PerfConfig } from '../agent/perf.js';
import { UsageError } from '../model/errors.js';
import { normalizePeakDtype } from '../model/gpu-peaks.js';
import { parseInputs } from './commands/flops.js';

/** `run`'s flags about the model the job trains. */
export interface RunModelFlags {
  model?: string;
  batchSize?: number;
  input?: string[];
  modelLabel?: string;
  dtype?: string;
}

/** What `run --model` adds to a run: the perf meter's numbers, and params that `show` and the dashboard list. */
export interface RunModel {
  perf?: PerfConfig;
  params: Record<string, unknown>;
}

/** The label a model file's series get by default: its file name without the extension (a folder's own name). */
export function modelLabel(file: string): string {
  const base = path.basename(path.resolve(file));
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Tokens one step processes: a [batch, sequence] input's size (input_ids), when the model has one. */
function tokensPerStep(inputs: Record<string, number[] | undefined>, batch: number): number | undefined {
  const sequence = Object.values(inputs).find((dims) => dims?.length === 2 && dims[0] === batch);
  return sequence === undefined ? undefined : batch * (sequence[1] as number);
}

/**
 * Counts the model `run --model` names, for training (3 × forward) at `--batch-size`. A model that cannot be counted
 * is said in `warn`, naming the flag and the file; the job runs all the same, without FLOPs.
 */
export async function countRunModel(flags: RunModelFlags, warn: (message: string) => void): Promise<RunModel> {
  const file = flags.model;
  if (file === undefined) {
    const orphan =
      flags.batchSize !== undefined ? '--batch-size' : flags.input !== undefined ? '--input' : flags.modelLabel !== undefined ? '--model-label' : undefined;
    if (orphan !== undefined) throw new UsageError(`${orphan} describes the model of --model, which is not given`);
    return { params: {} };
  }
  const dtype = flags.dtype ?? 'bf16';
  if (normalizePeakDtype(dtype) === undefined) throw new UsageError(`--dtype expects one of fp64, fp32, tf32, fp16, bf16, fp8, got "${dtype}"`);
  const inputs = parseInputs(flags.input ?? []);
  const label = flags.modelLabel ?? modelLabel(file);
  if (!/^[\w.-]+$/.test(label)) throw new UsageError(`--model-label expects letters, digits, '.', '_' or '-', got "${label}"`);
  try {
    const { countModelFile } = await import('../flops/count-file.js');
    const report = await countModelFile(file, {
      ...(flags.batchSize !== undefined ? { batch: flags.batchSize } : {}),
      ...(inputs ? { inputs } : {}),
      training: true,
    });
    for (const warning of report.warnings) warn(`--model ${file}: ${warning}`);
    if (!(report.flops > 0)) {
      warn(`--model ${file}: the model counts 0 FLOPs; achieved TFLOP/s and MFU are not recorded`);
      return { params: { [`model/${label}/flops_per_batch`]: report.flops } };
    }
    const tokens = tokensPerStep(report.inputs, report.batch);
    return {
      perf: { label, flopsPerStep: report.flops, samplesPerStep: report.batch, dtype, ...(tokens === undefined ? {} : { tokensPerStep: tokens }) },
      params: {
        [`model/${label}/flops_per_batch`]: report.flops,
        [`model/${label}/params`]: report.params,
        [`model/${label}/batch_size`]: report.batch,
      },
    };
  } catch (error) {
    const message = (error as Error).message;
    warn(`--model ${file}: cannot count its FLOPs (${message}); the job runs without them`);
    return { params: {} };
  }
}
