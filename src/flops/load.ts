import fs from 'node:fs';
import path from 'node:path';
import { isErrnoError, RunmeterError } from '../model/errors.js';

// The one place src/flops touches the file system: reading a model file into bytes.

/** Reads a model file (.onnx, or a TF.js model.json, or a folder holding one) into bytes. */
export function loadModel(file: string): Uint8Array {
  let target = file;
  try {
    if (fs.statSync(file).isDirectory()) target = path.join(file, 'model.json');
    return fs.readFileSync(target);
  } catch (error) {
    if (isErrnoError(error, 'ENOENT')) {
      const what = target === file ? 'no such file' : 'the folder has no model.json';
      throw new RunmeterError('E_MODEL_NOT_FOUND', `cannot read model ${file}: ${what}`, { cause: error });
    }
    if (isErrnoError(error)) throw new RunmeterError('E_MODEL_READ', `cannot read model ${target}: ${error.code}`, { cause: error });
    throw error;
  }
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
