import os from 'node:os';
import type { NvmlResult } from './nvml-library.js';

// Layouts and codes from nvml.h (NVIDIA's header as go-nvml ships it, NVML 13), checked on an H200 against nvidia-ml-py's
// layout and figures (test/fixtures/real/gpu/nvml_h200.md).
const success = 0;
const missingFunction = 13;
const gpmMetricsGetVersion = 1;
const gpmSupportVersion = 1;
// nvmlGpmMetricsGet_t: version (u32), numMetrics (u32), sample1, sample2 (pointers), then nvmlGpmMetric_t[NVML_GPM_METRIC_MAX].
const gpmHeaderBytes = 24;
// nvmlGpmMetric_t: metricId (u32), nvmlReturn (i32), value (double), metricInfo (three char pointers).
const gpmMetricBytes = 40;
// NVML_GPM_METRIC_MAX is 333 in NVML 13 (98 in 12.0); NVML reads only numMetrics entries, the rest is room.
const gpmMetricMax = 333;
/** The layout runmeter writes nvmlGpmMetricsGet_t in: where the metrics start, each metric's size, how many fit. */
export const gpmLayout = { metricsOffset: gpmHeaderBytes, metricBytes: gpmMetricBytes, metricMax: gpmMetricMax, version: gpmMetricsGetVersion } as const;
/** nvmlEventTypeXidCriticalError. */
export const xidEventType = 0x8n;
const eventTimeout = 10;

/** NVML's GPM metric ids for the figures runmeter records. */
export const gpmMetrics = { smActive: 2, smOccupancy: 3, tensorActive: 5, dramBandwidth: 10 } as const;

type Fn = ((...args: unknown[]) => number) | undefined;
type Bind = (prototype: string) => Fn;

/** The NVML calls beyond the basic ones: clock event reasons, GPM samples and metrics, Xid events. */
export interface NvmlExtras {
  clocksEventReasons(device: unknown): NvmlResult<number>;
  gpmSupported(device: unknown): boolean;
  gpmSampleAlloc(): NvmlResult<bigint>;
  gpmSampleFree(sample: bigint): void;
  gpmSampleGet(device: unknown, sample: bigint): number;
  /** The metrics between two samples of one GPU, by id; a metric NVML could not give is left out. */
  gpmMetricsGet(sample1: bigint, sample2: bigint, ids: readonly number[]): NvmlResult<Map<number, number>>;
  eventSetCreate(): NvmlResult<bigint>;
  registerEvents(device: unknown, types: bigint, set: bigint): number;
  /** The next waiting event, at once: its GPU's handle and its data (the Xid), or undefined when none waits. */
  eventWait(set: bigint): NvmlResult<{ device: bigint; type: bigint; data: bigint } | undefined>;
  eventSetFree(set: bigint): void;
}

/** Binds the extra calls in a loaded libnvidia-ml; a call the driver lacks returns NVML_ERROR_FUNCTION_NOT_FOUND. */
export function bindNvmlExtras(bind: Bind): NvmlExtras {
  const reasons =
    bind('int nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, _Out_ unsigned long long *reasons)') ??
    bind('int nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, _Out_ unsigned long long *reasons)');
  const gpmQuery = bind('int nvmlGpmQueryDeviceSupport(nvmlDevice_t device, void *support)');
  const gpmAlloc = bind('int nvmlGpmSampleAlloc(_Out_ void **sample)');
  const gpmFree = bind('int nvmlGpmSampleFree(void *sample)');
  const gpmGet = bind('int nvmlGpmSampleGet(nvmlDevice_t device, void *sample)');
  const gpmMetricsGet = bind('int nvmlGpmMetricsGet(void *metricsGet)');
  const eventCreate = bind('int nvmlEventSetCreate(_Out_ void **set)');
  const eventRegister = bind('int nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long types, void *set)');
  const eventWait = bind('int nvmlEventSetWait_v2(void *set, void *data, unsigned int timeoutms)');
  const eventFree = bind('int nvmlEventSetFree(void *set)');
  const le = os.endianness() === 'LE';
  const u32 = (buffer: Buffer, offset: number) => (le ? buffer.readUInt32LE(offset) : buffer.readUInt32BE(offset));
  const i32 = (buffer: Buffer, offset: number) => (le ? buffer.readInt32LE(offset) : buffer.readInt32BE(offset));
  const u64 = (buffer: Buffer, offset: number) => (le ? buffer.readBigUInt64LE(offset) : buffer.readBigUInt64BE(offset));
  const pointerOut = (fn: Fn): NvmlResult<bigint> => {
    if (fn === undefined) return { ok: false, code: missingFunction };
    const cell: unknown[] = [null];
    const code = fn(cell);
    return code === success ? { ok: true, value: BigInt(cell[0] as bigint) } : { ok: false, code };
  };
  const metricsBuffer = Buffer.alloc(gpmHeaderBytes + gpmMetricBytes * gpmMetricMax);

  return {
    clocksEventReasons: (device) => {
      if (reasons === undefined) return { ok: false, code: missingFunction };
      const cell: unknown[] = [0];
      const code = reasons(device, cell);
      return code === success ? { ok: true, value: Number(cell[0]) } : { ok: false, code };
    },
    gpmSupported: (device) => {
      if (gpmQuery === undefined || gpmAlloc === undefined || gpmMetricsGet === undefined) return false;
      const support = Buffer.alloc(8);
      le ? support.writeUInt32LE(gpmSupportVersion, 0) : support.writeUInt32BE(gpmSupportVersion, 0);
      return gpmQuery(device, support) === success && u32(support, 4) !== 0;
    },
    gpmSampleAlloc: () => pointerOut(gpmAlloc),
    gpmSampleFree: (sample) => void gpmFree?.(sample),
    gpmSampleGet: (device, sample) => (gpmGet === undefined ? missingFunction : gpmGet(device, sample)),
    gpmMetricsGet: (sample1, sample2, ids) => {
      if (gpmMetricsGet === undefined) return { ok: false, code: missingFunction };
      const buffer = metricsBuffer;
      buffer.fill(0, 0, gpmHeaderBytes + gpmMetricBytes * ids.length);
      const writeU32 = (value: number, offset: number) => (le ? buffer.writeUInt32LE(value, offset) : buffer.writeUInt32BE(value, offset));
      writeU32(gpmMetricsGetVersion, 0);
      writeU32(ids.length, 4);
      le ? buffer.writeBigUInt64LE(sample1, 8) : buffer.writeBigUInt64BE(sample1, 8);
      le ? buffer.writeBigUInt64LE(sample2, 16) : buffer.writeBigUInt64BE(sample2, 16);
      for (const [i, id] of ids.entries()) writeU32(id, gpmHeaderBytes + i * gpmMetricBytes);
      const code = gpmMetricsGet(buffer);
      if (code !== success) return { ok: false, code };
      const values = new Map<number, number>();
      ids.forEach((id, i) => {
        const at = gpmHeaderBytes + i * gpmMetricBytes;
        if (i32(buffer, at + 4) !== success) return;
        values.set(id, le ? buffer.readDoubleLE(at + 8) : buffer.readDoubleBE(at + 8));
      });
      return { ok: true, value: values };
    },
    eventSetCreate: () => pointerOut(eventCreate),
    registerEvents: (device, types, set) => (eventRegister === undefined ? missingFunction : eventRegister(device, types, set)),
    eventWait: (set) => {
      if (eventWait === undefined) return { ok: false, code: missingFunction };
      // nvmlEventData_t: device (pointer), eventType (u64), eventData (u64), gpuInstanceId, computeInstanceId (u32).
      const data = Buffer.alloc(32);
      const code = eventWait(set, data, 0);
      if (code === eventTimeout) return { ok: true, value: undefined };
      if (code !== success) return { ok: false, code };
      return { ok: true, value: { device: u64(data, 0), type: u64(data, 8), data: u64(data, 16) } };
    },
    eventSetFree: (set) => void eventFree?.(set),
  };
}
