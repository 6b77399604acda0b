import type { GpuInfo } from '../../model/run.js';
import { loadNvml, type NvmlLibrary, type NvmlResult, nvmlNotSupported } from './nvml-library.js';
import { GpmWatcher, XidWatcher } from './nvml-watchers.js';
import type { GpuReading, GpuSource, WarnOnce } from './types.js';
import { selectVisible, type VisibleDevice } from './visible-devices.js';

// NVML_ERROR_IN_USE: GPM serves one client per GPU (DCGM, `nvidia-smi dmon --gpm-metrics`, another runmeter).
const nvmlInUse = 19;
// nvmlDeviceGetTotalEnergyConsumption took 3-4 ms of CPU a call on an H200 (driver 580), where every other call the
// sampler makes took microseconds (test/fixtures/real/gpu/nvml_h200.md): the counter is read at most every 5 s and at
// the run's last reading, and the readings between give the last value read. energy_joules is a running total, so
// only its last value is the run's energy, and that one is exact.
const energyEveryMs = 5000;

/** What NVML returned for one GPU at one reading, call by call. */
export interface NvmlDeviceResults {
  utilization: NvmlResult<{ gpu: number; memory: number }>;
  memory: NvmlResult<{ total: number; free: number; used: number }>;
  powerMilliwatts: NvmlResult<number>;
  temperatureCelsius: NvmlResult<number>;
  energyMillijoules: NvmlResult<number>;
  processes: NvmlResult<{ pid: number; usedBytes: number }[]>;
  clocksEventReasons?: NvmlResult<number>;
}

/** Maps NVML's results to a reading in the sampler's units; a failed call leaves out its own fields only, and is listed. */
export function nvmlReading(
  index: number,
  uuid: string | undefined,
  results: NvmlDeviceResults,
): { reading: GpuReading; failed: { call: string; code: number }[] } {
  const reading: GpuReading = { index, ...(uuid === undefined ? {} : { uuid }) };
  const failed: { call: string; code: number }[] = [];
  const take = <T>(call: keyof NvmlDeviceResults, result: NvmlResult<T>, apply: (value: T) => void) => {
    if (result.ok) apply(result.value);
    else failed.push({ call, code: result.code });
  };
  take('utilization', results.utilization, (u) => (reading.utilizationPercent = u.gpu));
  take('memory', results.memory, (m) => {
    reading.memoryUsedBytes = m.used;
    reading.memoryTotalBytes = m.total;
  });
  take('powerMilliwatts', results.powerMilliwatts, (mw) => (reading.powerWatts = mw / 1000));
  take('temperatureCelsius', results.temperatureCelsius, (c) => (reading.temperatureCelsius = c));
  take('energyMillijoules', results.energyMillijoules, (mj) => (reading.energyCounterJoules = mj / 1000));
  take('processes', results.processes, (p) => (reading.processes = p));
  if (results.clocksEventReasons) take('clocksEventReasons', results.clocksEventReasons, (r) => (reading.clocksEventReasons = r));
  return { reading, failed };
}

/** Opens NVML and the GPUs the job can see. Throws, saying why, when the library cannot be loaded or initialised. */
export async function openNvmlSource(
  libraryPath: string,
  visible: VisibleDevice[] | undefined,
  warnOnce: WarnOnce,
  options: { gpm?: boolean } = {},
): Promise<GpuSource> {
  const nvml = loadNvml(libraryPath);
  const initCode = await nvml.init();
  if (initCode !== 0) throw new Error(`nvmlInit failed: ${nvml.errorString(initCode)}`);
  const count = nvml.deviceCount();
  if (!count.ok) {
    nvml.shutdown();
    throw new Error(`nvmlDeviceGetCount failed: ${nvml.errorString(count.code)}`);
  }
  const all: { index: number; uuid?: string; handle: unknown }[] = [];
  for (let index = 0; index < count.value; index++) {
    const handle = nvml.handle(index);
    if (!handle.ok) {
      warnOnce(`nvml:${index}:handle`, `gpu/${index}: NVML cannot open it (${nvml.errorString(handle.code)}); it is not recorded`);
      continue;
    }
    const uuid = nvml.uuid(handle.value);
    all.push({ index, handle: handle.value, ...(uuid.ok ? { uuid: uuid.value } : {}) });
  }
  const gpus = selectVisible(all, visible).map((gpu) => ({
    ...gpu,
    gpm: options.gpm === false ? undefined : GpmWatcher.open(nvml.extras, gpu.handle),
    energy: undefined as { atMs: number; result: NvmlResult<number> } | undefined,
  }));
  const xids = XidWatcher.open(
    nvml.extras,
    gpus.map((gpu) => gpu.handle),
  );
  const warnFailed = (index: number, call: string, code: number) => {
    // Not supported (MIG, older boards) is how the GPU is, not a problem to report.
    if (code === nvmlNotSupported) return;
    if (code === nvmlInUse && call === 'GPM metrics') {
      warnOnce(
        `nvml:${index}:${call}`,
        `gpu/${index}: NVML's GPM metrics (SM active, SM occupancy, tensor activity, DRAM bandwidth) are held by another client (DCGM, nvidia-smi dmon, or another runmeter); those series are skipped`,
      );
      return;
    }
    warnOnce(`nvml:${index}:${call}`, `gpu/${index}: NVML cannot read ${call} (${nvml.errorString(code)}); those series are skipped`);
  };
  return {
    name: 'nvml',
    devices: () => describeDevices(nvml, gpus),
    read: (nowMs = performance.now(), final = false) => {
      const errors = xids?.drain() ?? [];
      return gpus.map((gpu) => {
        if (final || gpu.energy === undefined || nowMs - gpu.energy.atMs >= energyEveryMs) {
          gpu.energy = { atMs: nowMs, result: nvml.energyMillijoules(gpu.handle) };
        }
        const { reading, failed } = nvmlReading(gpu.index, gpu.uuid, readDevice(nvml, gpu.handle, gpu.energy.result));
        for (const { call, code } of failed) warnFailed(gpu.index, call, code);
        const gpmCode = gpu.gpm?.read(nowMs, reading);
        if (gpmCode !== undefined) warnFailed(gpu.index, 'GPM metrics', gpmCode);
        const mine = errors.filter((error) => error.device === gpu.handle).map((error) => error.xid);
        if (mine.length > 0) reading.xids = mine;
        return reading;
      });
    },
    close: () => {
      for (const gpu of gpus) gpu.gpm?.close();
      xids?.close();
      nvml.shutdown();
    },
  };
}

function readDevice(nvml: NvmlLibrary, handle: unknown, energyMillijoules: NvmlResult<number>): NvmlDeviceResults {
  return {
    utilization: nvml.utilization(handle),
    memory: nvml.memory(handle),
    powerMilliwatts: nvml.powerMilliwatts(handle),
    temperatureCelsius: nvml.temperatureCelsius(handle),
    energyMillijoules,
    processes: nvml.computeProcesses(handle),
    clocksEventReasons: nvml.extras.clocksEventReasons(handle),
  };
}

function describeDevices(nvml: NvmlLibrary, gpus: { index: number; uuid?: string; handle: unknown }[]): GpuInfo[] {
  const driver = nvml.driverVersion();
  return gpus.map((gpu) => {
    const name = nvml.name(gpu.handle);
    const memory = nvml.memory(gpu.handle);
    return {
      index: gpu.index,
      name: name.ok ? name.value : 'NVIDIA GPU',
      ...(gpu.uuid === undefined ? {} : { uuid: gpu.uuid }),
      ...(memory.ok ? { memoryBytes: memory.value.total } : {}),
      ...(driver.ok ? { driverVersion: driver.value } : {}),
    };
  });
}
