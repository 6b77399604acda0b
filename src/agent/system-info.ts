import os from 'node:os';
import type { MachineInfo } from '../model/run.js';
import * as sample from '../sample/index.js';

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
