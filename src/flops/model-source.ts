import { RunmeterError } from '../model/errors.js';
import { decodeOnnx } from './onnx/decode.js';
import { findTopology, isTfjsModelLike, type LayerSpec, type TfjsModelLike } from './tfjs/topology.js';
import type { ModelGraph } from './types.js';

// Recognizing what was handed to countFlops, and parsing it once.

/** A model as countFlops takes it: ONNX bytes, a TF.js model.json (bytes or parsed), a tf.LayersModel, or a ModelGraph. */
export type ModelInput = Uint8Array | TfjsModelLike | ModelGraph | object;

/** A model parsed into what the counters walk. */
export type ParsedModel = { kind: 'onnx'; graph: ModelGraph } | { kind: 'tfjs'; topology: LayerSpec };

function isModelGraph(value: unknown): value is ModelGraph {
  return typeof value === 'object' && value !== null && (value as ModelGraph).format === 'onnx' && Array.isArray((value as ModelGraph).nodes);
}

function firstNonSpace(bytes: Uint8Array): number | undefined {
  for (let index = 0; index < Math.min(bytes.length, 64); index++) {
    const byte = bytes[index] as number;
    // Skip whitespace and a UTF-8 byte-order mark.
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09 && byte !== 0xef && byte !== 0xbb && byte !== 0xbf) return byte;
  }
  return undefined;
}

/** Parses bytes or objects into a model the counters walk; `where` names it in errors. */
export function parseModel(model: ModelInput, where = 'the model'): ParsedModel {
  if (isModelGraph(model)) return { kind: 'onnx', graph: model };
  if (model instanceof Uint8Array) {
    // A model.json starts with '{'; an ONNX ModelProto starts with a field tag (ir_version is 0x08).
    if (firstNonSpace(model) === 0x7b) {
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(model));
      } catch (error) {
        throw new RunmeterError('E_MODEL', `${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
      return { kind: 'tfjs', topology: findTopology(json, where) };
    }
    return { kind: 'onnx', graph: decodeOnnx(model, where) };
  }
  if (isTfjsModelLike(model) || typeof model === 'object') return { kind: 'tfjs', topology: findTopology(model, where) };
  throw new RunmeterError('E_MODEL', `${where}: expected ONNX bytes, a TF.js model.json, a tf.LayersModel or a path, got ${typeof model}`);
}
