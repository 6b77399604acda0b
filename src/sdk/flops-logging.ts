import { RunmeterError } from '../model/errors.js';

/** What runmeter could find out about a model: its parameter count and FLOPs at a batch size. */
export interface ModelFacts {
  params?: number;
  flops?: number;
  macs?: number;
  format?: string;
  /** Why FLOPs could not be counted, when they could not. */
  problem?: string;
}

/** FLOPs of one forward+backward pass over a batch. (Interim: the FLOPs counter is not in yet.) */
export async function batchFlops(call: string, _model: unknown, _batch: unknown): Promise<number> {
  throw new RunmeterError('E_NOT_BUILT', `${call}: FLOPs counting is not built yet`);
}

/** FLOPs of one epoch over a dataset. (Interim.) */
export async function epochFlops(call: string, _model: unknown, _dataset: unknown): Promise<number> {
  throw new RunmeterError('E_NOT_BUILT', `${call}: FLOPs counting is not built yet`);
}

/** Params and FLOPs of a model file or object, as far as they can be counted. (Interim.) */
export async function modelFacts(_model: unknown, _batch: number): Promise<ModelFacts> {
  return { problem: 'FLOPs counting is not built yet' };
}
