import os from 'node:os';
import type { MachineInfo } from '../model/run.js';
import * as sample from '../sample/index.js';

/** Whether a process exists (EPERM means it does, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The machine the job runs on, with the GPUs it can see. */
export async function describeJobMachine(env: NodeJS.ProcessEnv): Promise<MachineInfo> {
  const describe = (sample as { describeMachine?: (env: NodeJS.ProcessEnv) => Promise<MachineInfo> }).describeMachine;
  if (describe) return describe(env);
  return {
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: os.cpus()[0]?.model,
    cpuCount: os.cpus().length,
    memoryBytes: os.totalmem(),
    gpus: [],
  };
}
