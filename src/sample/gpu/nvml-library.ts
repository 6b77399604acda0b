import { createRequire } from 'node:module';
import os from 'node:os';
import { bindNvmlExtras, type NvmlExtras } from './nvml-extras.js';

type Koffi = typeof import('koffi');
type Handle = unknown;

/** NVML's return code for success, and the ones the sampler tells apart. */
export const nvmlSuccess = 0;
export const nvmlNotSupported = 3;
const nvmlInsufficientSize = 7;
// NVML's "not available" for a process's memory (no permission, or WDDM on Windows).
const valueNotAvailable = 0xffff_ffff_ffff_ffffn;

/** A call's result: the value, or NVML's return code when the call failed. */
export type NvmlResult<T> = { ok: true; value: T } | { ok: false; code: number };

/** The NVML calls the sampler makes, each returning its own result so that one failing call loses only its own field. */
export interface NvmlLibrary {
  init(): Promise<number>;
  shutdown(): void;
  errorString(code: number): string;
  deviceCount(): NvmlResult<number>;
  handle(index: number): NvmlResult<Handle>;
  name(device: Handle): NvmlResult<string>;
  uuid(device: Handle): NvmlResult<string>;
  driverVersion(): NvmlResult<string>;
  utilization(device: Handle): NvmlResult<{ gpu: number; memory: number }>;
  memory(device: Handle): NvmlResult<{ total: number; free: number; used: number }>;
  powerMilliwatts(device: Handle): NvmlResult<number>;
  temperatureCelsius(device: Handle): NvmlResult<number>;
  energyMillijoules(device: Handle): NvmlResult<number>;
  computeProcesses(device: Handle): NvmlResult<{ pid: number; usedBytes: number }[]>;
  /** Clock event reasons, GPM and Xid events. */
  extras: NvmlExtras;
}

const missingFunction = 13; // NVML_ERROR_FUNCTION_NOT_FOUND: an older driver without this call
let koffiTypes: { koffi: Koffi } | undefined;

function loadKoffi(): Koffi {
  if (koffiTypes === undefined) {
    // koffi is a native addon: loaded only on machines with an NVIDIA driver, and synchronously (the sampler is created synchronously).
    const koffi = createRequire(import.meta.url)('koffi') as Koffi;
    koffi.pointer('nvmlDevice_t', koffi.opaque());
    koffi.struct('nvmlUtilization_t', { gpu: 'uint32', memory: 'uint32' });
    koffi.struct('nvmlMemory_t', { total: 'uint64', free: 'uint64', used: 'uint64' });
    koffiTypes = { koffi };
  }
  return koffiTypes.koffi;
}

/** Loads libnvidia-ml (throws when it cannot be loaded) and binds the calls the sampler uses. */
export function loadNvml(libraryPath: string): NvmlLibrary {
  const koffi = loadKoffi();
  const lib = koffi.load(libraryPath);
  const bind = (prototype: string): ((...args: unknown[]) => number) | undefined => {
    try {
      return lib.func(prototype) as (...args: unknown[]) => number;
    } catch {
      return undefined;
    }
  };
  const init = lib.func('int nvmlInit_v2()');
  const shutdown = lib.func('int nvmlShutdown()');
  const errorString = bind('const char *nvmlErrorString(int result)');
  const getCount = lib.func('int nvmlDeviceGetCount_v2(_Out_ unsigned int *count)');
  const getHandle = lib.func('int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ nvmlDevice_t *device)');
  const getName = bind('int nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)');
  const getUuid = bind('int nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)');
  const getDriver = bind('int nvmlSystemGetDriverVersion(char *version, unsigned int length)');
  const getUtilization = bind('int nvmlDeviceGetUtilizationRates(nvmlDevice_t device, _Out_ nvmlUtilization_t *utilization)');
  const getMemory = bind('int nvmlDeviceGetMemoryInfo(nvmlDevice_t device, _Out_ nvmlMemory_t *memory)');
  const getPower = bind('int nvmlDeviceGetPowerUsage(nvmlDevice_t device, _Out_ unsigned int *milliwatts)');
  const getTemperature = bind('int nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, _Out_ unsigned int *celsius)');
  const getEnergy = bind('int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, _Out_ unsigned long long *millijoules)');
  // The newest call first; all three fill arrays of the same leading fields (pid, then usedGpuMemory at offset 8).
  const processCalls = [
    { size: 24, fn: bind('int nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, _Inout_ unsigned int *count, void *infos)') },
    { size: 24, fn: bind('int nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, _Inout_ unsigned int *count, void *infos)') },
    { size: 16, fn: bind('int nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, _Inout_ unsigned int *count, void *infos)') },
  ];
  const processCall = processCalls.find((call) => call.fn !== undefined);
  const littleEndian = os.endianness() === 'LE';

  const out = <T>(fn: ((...args: unknown[]) => number) | undefined, args: unknown[], pick: () => T): NvmlResult<T> => {
    if (fn === undefined) return { ok: false, code: missingFunction };
    const code = fn(...args);
    return code === nvmlSuccess ? { ok: true, value: pick() } : { ok: false, code };
  };
  const number = (fn: ((...args: unknown[]) => number) | undefined, ...args: unknown[]): NvmlResult<number> => {
    const cell: unknown[] = [0];
    return out(fn, [...args, cell], () => Number(cell[0]));
  };
  const text = (fn: ((...args: unknown[]) => number) | undefined, ...args: unknown[]): NvmlResult<string> => {
    const buffer = Buffer.alloc(256);
    return out(fn, [...args, buffer, buffer.length], () => buffer.toString('utf8', 0, Math.max(0, buffer.indexOf(0))));
  };

  return {
    extras: bindNvmlExtras(bind),
    init: () =>
      new Promise((resolve, reject) => {
        // nvmlInit can take a second without the persistence daemon: run it off the main thread.
        init.async((error: unknown, code: number) => (error ? reject(error) : resolve(code)));
      }),
    shutdown: () => void shutdown(),
    errorString: (code) => (errorString ? String(errorString(code)) : `NVML error ${code}`),
    deviceCount: () => number(getCount),
    handle: (index) => {
      const cell: unknown[] = [null];
      return out(getHandle, [index, cell], () => cell[0]);
    },
    name: (device) => text(getName, device),
    uuid: (device) => text(getUuid, device),
    driverVersion: () => text(getDriver),
    utilization: (device) => {
      const result: { gpu?: number; memory?: number } = {};
      return out(getUtilization, [device, result], () => ({ gpu: Number(result.gpu), memory: Number(result.memory) }));
    },
    memory: (device) => {
      const result: { total?: number; free?: number; used?: number } = {};
      return out(getMemory, [device, result], () => ({ total: Number(result.total), free: Number(result.free), used: Number(result.used) }));
    },
    powerMilliwatts: (device) => number(getPower, device),
    temperatureCelsius: (device) => number(getTemperature, device, 0),
    energyMillijoules: (device) => number(getEnergy, device),
    computeProcesses: (device) => {
      if (processCall?.fn === undefined) return { ok: false, code: missingFunction };
      let capacity = 64;
      for (let attempt = 0; attempt < 3; attempt++) {
        const count = [capacity];
        const infos = Buffer.alloc(capacity * processCall.size);
        const code = processCall.fn(device, count, infos) as number;
        if (code === nvmlInsufficientSize) {
          capacity = Number(count[0]) + 16;
          continue;
        }
        if (code !== nvmlSuccess) return { ok: false, code };
        const processes: { pid: number; usedBytes: number }[] = [];
        for (let i = 0; i < Number(count[0]); i++) {
          const offset = i * processCall.size;
          const pid = littleEndian ? infos.readUInt32LE(offset) : infos.readUInt32BE(offset);
          const used = littleEndian ? infos.readBigUInt64LE(offset + 8) : infos.readBigUInt64BE(offset + 8);
          if (used !== valueNotAvailable) processes.push({ pid, usedBytes: Number(used) });
        }
        return { ok: true, value: processes };
      }
      return { ok: false, code: nvmlInsufficientSize };
    },
  };
}
