import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../model/errors.js';
import type { Artifact, Store } from '../record/index.js';
import { recordArtifact } from './artifacts.js';
import { modelFacts } from './flops-logging.js';
import { countParams, isSavableModel, saveModelToFolder } from './model-file.js';
import { describe } from './validate.js';

/** Where a model is recorded and at what batch size its FLOPs are counted. */
export interface ModelPlace {
  context?: string;
  name?: string;
  batch: number;
}

function modelName(model: unknown, fallback: string): string {
  const name = (model as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : fallback;
}

/**
 * prov4ml's log_model: saves the model (a file, or an in-memory TF.js model saved as model.json + weights.bin) as an
 * artifact of kind `model`, with its params count, size and FLOPs in its meta and as run params `model/<name>/...`.
 */
export async function logModelArtifact(store: Store, runId: string, pathOrModel: unknown, place: ModelPlace): Promise<Artifact> {
  let source: string;
  let name: string;
  let saved: string | undefined;
  if (typeof pathOrModel === 'string') {
    source = pathOrModel;
    name = place.name ?? path.basename(pathOrModel);
  } else if (isSavableModel(pathOrModel)) {
    saved = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'runmeter-model-'));
    await saveModelToFolder(pathOrModel, saved);
    source = saved;
    name = place.name ?? modelName(pathOrModel, 'model');
  } else {
    throw new UsageError(`logModel: expected a model file path or a TF.js model (with save()), got ${describe(pathOrModel)}`);
  }
  try {
    const facts = modelFacts(pathOrModel, place.batch);
    const params = facts.params ?? countParams(pathOrModel);
    const meta: Record<string, unknown> = { batch: place.batch };
    if (params !== undefined) meta.params = params;
    if (facts.flops !== undefined) meta.flops = facts.flops;
    if (facts.macs !== undefined) meta.macs = facts.macs;
    if (facts.format !== undefined) meta.format = facts.format;
    if (facts.problem !== undefined) meta.flopsProblem = facts.problem;
    const artifact = await recordArtifact(store, runId, source, {
      call: 'logModel',
      kind: 'model',
      name,
      meta,
      ...(place.context === undefined ? {} : { context: place.context }),
    });
    const runParams: Record<string, unknown> = { [`model/${name}/size_bytes`]: artifact.size };
    if (params !== undefined) runParams[`model/${name}/params`] = params;
    if (facts.flops !== undefined) runParams[`model/${name}/flops`] = facts.flops;
    await store.setParams(runId, runParams);
    return artifact;
  } finally {
    if (saved !== undefined) await fs.promises.rm(saved, { recursive: true, force: true });
  }
}
