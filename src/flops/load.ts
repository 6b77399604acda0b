import fs from 'node:fs';
import path from 'node:path';
import { isErrnoError, RunmeterError } from '../model/errors.js';

// The one place src/flops touches the file system: finding the model file a path names and reading it into bytes.

/** The model file `file` names: the file itself, or in a folder its model.json, else its one .onnx file. */
export function resolveModelFile(file: string): string {
  let entries: string[];
  try {
    if (!fs.statSync(file).isDirectory()) return file;
    entries = fs.readdirSync(file);
  } catch (error) {
    throw readError(file, error);
  }
  if (entries.includes('model.json')) return path.join(file, 'model.json');
  const onnx = entries.filter((name) => name.toLowerCase().endsWith('.onnx')).sort();
  if (onnx.length === 1) return path.join(file, onnx[0] as string);
  if (onnx.length === 0) throw new RunmeterError('E_MODEL_NOT_FOUND', `cannot read model ${file}: the folder has no model.json and no .onnx file`);
  throw new RunmeterError(
    'E_MODEL_AMBIGUOUS',
    `cannot read model ${file}: the folder has no model.json and ${onnx.length} .onnx files (${onnx.join(', ')}): name the one to count`,
  );
}

/** Reads a model file (.onnx, or a TF.js model.json, or a folder holding one) into bytes. */
export function loadModel(file: string): Uint8Array {
  const target = resolveModelFile(file);
  try {
    return fs.readFileSync(target);
  } catch (error) {
    throw readError(target, error);
  }
}

function readError(file: string, error: unknown): unknown {
  if (isErrnoError(error, 'ENOENT')) return new RunmeterError('E_MODEL_NOT_FOUND', `cannot read model ${file}: no such file`, { cause: error });
  if (isErrnoError(error)) return new RunmeterError('E_MODEL_READ', `cannot read model ${file}: ${error.code}`, { cause: error });
  return error;
}

/** A stamp that changes when the file does, so cached counts of a path are dropped when it is rewritten. */
export function fileStamp(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
