import fs from 'node:fs';
import path from 'node:path';

/** What TF.js hands a save handler (tf.io.ModelArtifacts), in the parts written to disk. */
interface ModelArtifacts {
  modelTopology?: unknown;
  weightSpecs?: unknown[];
  weightData?: ArrayBuffer | ArrayBuffer[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: unknown;
  signature?: unknown;
  userDefinedMetadata?: unknown;
  modelInitializer?: unknown;
}

/** An in-memory model that saves itself through a handler object, as TF.js LayersModel and GraphModel do. */
export interface SavableModel {
  save(handler: { save(artifacts: ModelArtifacts): Promise<unknown> }): Promise<unknown>;
}

/** True for a TF.js-like model object: it has `save(handler)`. */
export function isSavableModel(value: unknown): value is SavableModel {
  return typeof value === 'object' && value !== null && typeof (value as { save?: unknown }).save === 'function';
}

/** The number of trainable and other weights of a TF.js LayersModel, when it can say. */
export function countParams(model: unknown): number | undefined {
  const count = (model as { countParams?: () => unknown }).countParams;
  if (typeof count !== 'function') return undefined;
  const n = count.call(model);
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * Saves an in-memory TF.js model as `model.json` + `weights.bin` in `dir`, the layout `tf.loadLayersModel` reads,
 * without depending on TF.js: the model hands its artifacts to our handler.
 */
export async function saveModelToFolder(model: SavableModel, dir: string): Promise<string> {
  await fs.promises.mkdir(dir, { recursive: true });
  const modelJson = path.join(dir, 'model.json');
  await model.save({
    async save(artifacts: ModelArtifacts) {
      const parts = artifacts.weightData === undefined ? [] : Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
      const weights = Buffer.concat(parts.map((part) => Buffer.from(part)));
      const manifest = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig,
        signature: artifacts.signature,
        userDefinedMetadata: artifacts.userDefinedMetadata,
        modelInitializer: artifacts.modelInitializer,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      const topology = JSON.stringify(manifest);
      await fs.promises.writeFile(modelJson, topology);
      await fs.promises.writeFile(path.join(dir, 'weights.bin'), weights);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: Buffer.byteLength(JSON.stringify(artifacts.modelTopology ?? null)),
          weightSpecsBytes: Buffer.byteLength(JSON.stringify(artifacts.weightSpecs ?? [])),
          weightDataBytes: weights.byteLength,
        },
      };
    },
  });
  return modelJson;
}
