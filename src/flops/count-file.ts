import { loadModel, resolveModelFile } from './load.js';
import { samples } from './sizes.js';
import type { CountOptions, FlopsReport } from './types.js';

// Counting a model file with only the reader its format needs. `runmeter flops` pays for every module it loads
// before the count starts, so a .onnx file never loads the TF.js reader, and a model.json never loads the ONNX one.

/** True when the bytes start like JSON (a TF.js model.json) rather than an ONNX protobuf. */
function looksLikeJson(bytes: Uint8Array): boolean {
  for (let index = 0; index < Math.min(bytes.length, 64); index++) {
    const byte = bytes[index] as number;
    if (byte === 0x7b) return true;
    // Whitespace and a UTF-8 byte-order mark may come first.
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09 && byte !== 0xef && byte !== 0xbb && byte !== 0xbf) return false;
  }
  return false;
}

/** Counts the model a path names (a file, or a folder holding one), as `countFlops(path)` does, loading one reader. */
export async function countModelFile(file: string, options: CountOptions = {}): Promise<FlopsReport> {
  if (options.batch !== undefined) samples('batch', options.batch);
  const target = resolveModelFile(file);
  const bytes = loadModel(target);
  if (looksLikeJson(bytes)) {
    const { countFlops } = await import('./count-flops.js');
    return countFlops(target, options);
  }
  const [{ decodeOnnx }, { countOnnx }] = await Promise.all([import('./onnx/decode.js'), import('./onnx/count.js')]);
  return countOnnx(decodeOnnx(bytes, target), options);
}
