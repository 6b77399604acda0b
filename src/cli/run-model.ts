import path from 'node:path';
import type { RunModel } from '../agent/step-flops.js';
import type { FlopsReport } from '../flops/types.js';
import { UsageError } from '../model/errors.js';
import { normalizePeakDtype } from '../model/gpu-peaks.js';
import { parseInputs } from './commands/flops.js';

/** The flags of `runmeter run` that attach a model's FLOPs to the run. */
export interface ModelFlags {
  model?: string;
  modelLabel?: string;
  batchSize?: number;
  input?: string[];
  dtype: string;
}

/** Tokens one step processes: a [batch, sequence] input's size (input_ids), where the model has one. */
function tokensPerBatch(inputs: Record<string, number[] | undefined>, batch: number): { tokensPerBatch?: number } {
  const sequence = Object.values(inputs).find((dims) => dims?.length === 2 && dims[0] === batch);
  return sequence === undefined ? {} : { tokensPerBatch: batch * (sequence[1] as number) };
}

/**
 * Counts `--model` at the batch size before the job starts: its FLOPs per training step (3 × forward) for the worker,
 * and params `model/<label>/...` for the run. Undefined when the file cannot be counted: runmeter says why, naming
 * the flag and the file, and the job runs all the same.
 */
export async function countRunModel(
  flags: ModelFlags,
  warn: (message: string) => void,
): Promise<{ model: RunModel; params: Record<string, unknown> } | undefined> {
  if (flags.model === undefined) {
    for (const [flag, given] of [
      ['--batch-size', flags.batchSize],
      ['--input', flags.input],
      ['--model-label', flags.modelLabel],
    ] as const) {
      if (given !== undefined) throw new UsageError(`${flag} goes with --model: it describes the model to count`);
    }
    return undefined;
  }
  if (normalizePeakDtype(flags.dtype) === undefined) throw new UsageError(`--dtype expects fp64, fp32, tf32, fp16, bf16 or fp8, got "${flags.dtype}"`);
  const label = flags.modelLabel ?? path.basename(flags.model).replace(/\.(onnx|json)$/i, '');
  const batch = flags.batchSize ?? 1;
  const inputs = parseInputs(flags.input ?? []);
  let report: FlopsReport;
  try {
    // Loaded here, not at the top: a plain `runmeter run` then never loads the counter (~85 ms before its job starts),
    // and a model loads only its own format's reader.
    const { countModelFile } = await import('../flops/count-file.js');
    report = await countModelFile(path.resolve(flags.model), { batch, training: true, ...(inputs ? { inputs } : {}) });
  } catch (error) {
    warn(`--model ${flags.model}: ${(error as Error).message}; the job runs without its FLOPs`);
    return undefined;
  }
  for (const warning of report.warnings) warn(`--model ${flags.model}: ${warning}`);
  return {
    model: { label, flopsPerBatch: report.flops, dtype: flags.dtype, samplesPerBatch: report.batch, ...tokensPerBatch(report.inputs, report.batch) },
    params: {
      [`model/${label}/flops_per_batch`]: report.flops,
      [`model/${label}/batch_size`]: batch,
      [`model/${label}/parameters`]: report.params,
    },
  };
}
