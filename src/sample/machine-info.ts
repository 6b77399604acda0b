import os from 'node:os';
import type { MachineInfo } from '../model/run.js';
import { openGpuSource } from './gpu/open.js';

/** The machine a job runs on, with the GPUs its environment lets it see (CUDA_VISIBLE_DEVICES). Never throws. */
export async function describeMachine(env: NodeJS.ProcessEnv = process.env, options: { nvmlLibrary?: string } = {}): Promise<MachineInfo> {
  const cpus = os.cpus();
  const source = await openGpuSource({ env, nvmlLibrary: options.nvmlLibrary, warnOnce: () => {} }).catch(() => undefined);
  let gpus: MachineInfo['gpus'] = [];
  try {
    gpus = source?.devices() ?? [];
  } finally {
    source?.close();
  }
  const cpuModel = cpus[0]?.model.trim();
  return {
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    ...(cpuModel ? { cpuModel } : {}),
    cpuCount: cpus.length,
    memoryBytes: os.totalmem(),
    gpus,
  };
}
