import fs from 'node:fs';
import { openAmdSource } from './amd.js';
import { openNvidiaSmiSource } from './nvidia-smi.js';
import { openNvmlSource } from './nvml.js';
import { findOnPath } from './run-tool.js';
import type { GpuSource, WarnOnce } from './types.js';
import { visibleDevicesFor } from './visible-devices.js';

/** Where to look for GPUs. */
export interface GpuSourceOptions {
  /** The job's environment: its CUDA_VISIBLE_DEVICES limits the GPUs, its PATH finds nvidia-smi, amd-smi, rocm-smi. */
  env: NodeJS.ProcessEnv;
  /** The NVML library to load (default `libnvidia-ml.so.1`, found by the dynamic loader). */
  nvmlLibrary?: string | undefined;
  /** Whether to read NVML's GPM metrics (default true). */
  gpm?: boolean | undefined;
  warnOnce: WarnOnce;
}

/**
 * Opens the first GPU source that works: NVML, then nvidia-smi, then amd-smi, then rocm-smi. Undefined on a machine without
 * GPUs, silently; a machine whose NVIDIA driver is there but cannot be read gets one warning.
 */
export async function openGpuSource(options: GpuSourceOptions): Promise<GpuSource | undefined> {
  const { env, warnOnce } = options;
  const searchPath = env.PATH ?? process.env.PATH;
  const windows = process.platform === 'win32';
  const failures: string[] = [];

  // RUNMETER_NVML_LIBRARY: an NVML the dynamic loader does not find (a driver unpacked in a container's own folder).
  const library = options.nvmlLibrary ?? (env.RUNMETER_NVML_LIBRARY || undefined);
  const nvidiaDriver = library !== undefined || windows || fs.existsSync('/proc/driver/nvidia') || fs.existsSync('/dev/nvidiactl');
  if (nvidiaDriver) {
    try {
      return await openNvmlSource(library ?? (windows ? 'nvml.dll' : 'libnvidia-ml.so.1'), visibleDevicesFor('nvidia', env), warnOnce, {
        gpm: options.gpm !== false,
      });
    } catch (error) {
      failures.push(`NVML: ${(error as Error).message}`);
    }
  }
  const nvidiaSmi = findOnPath(windows ? 'nvidia-smi.exe' : 'nvidia-smi', searchPath);
  if (nvidiaSmi !== undefined) {
    try {
      return await openNvidiaSmiSource(nvidiaSmi, visibleDevicesFor('nvidia', env), warnOnce);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  // Without nvidia-smi, a missing NVML just means no NVIDIA GPU (Windows always looks for nvml.dll).
  if (nvidiaSmi !== undefined || (nvidiaDriver && !windows)) {
    warnOnce('gpu', `an NVIDIA driver is installed but its GPUs cannot be read, so no gpu/ series are recorded (${failures.join('; ')})`);
  }
  const amdFailures: string[] = [];
  for (const name of ['amd-smi', 'rocm-smi'] as const) {
    const path = findOnPath(name, searchPath);
    if (path === undefined) continue;
    try {
      return await openAmdSource({ name, path }, visibleDevicesFor('amd', env), warnOnce);
    } catch (error) {
      amdFailures.push((error as Error).message);
    }
  }
  if (amdFailures.length > 0)
    warnOnce('gpu:amd', `AMD's GPU tools are installed but cannot read the GPUs, so no gpu/ series are recorded (${amdFailures.join('; ')})`);
  return undefined;
}
