import { gpmMetrics, type NvmlExtras, xidEventType } from './nvml-extras.js';
import type { GpuReading } from './types.js';

// NVML's GPM needs its two samples at least 100 ms apart (its internal refresh).
const gpmMinimumMs = 100;
const gpmIds = [gpmMetrics.smActive, gpmMetrics.smOccupancy, gpmMetrics.tensorActive, gpmMetrics.dramBandwidth];

/** GPM for one GPU: two sample buffers used in turn, each reading's metrics measured from the sample before it. */
export class GpmWatcher {
  private readonly samples: bigint[] = [];
  private last = -1;
  private lastAtMs = 0;

  private constructor(
    private readonly extras: NvmlExtras,
    private readonly device: unknown,
  ) {}

  /** A watcher for a GPU that supports GPM (Hopper and newer), else undefined. */
  static open(extras: NvmlExtras, device: unknown): GpmWatcher | undefined {
    if (!extras.gpmSupported(device)) return undefined;
    const watcher = new GpmWatcher(extras, device);
    for (let i = 0; i < 2; i++) {
      const sample = extras.gpmSampleAlloc();
      if (!sample.ok) {
        watcher.close();
        return undefined;
      }
      watcher.samples.push(sample.value);
    }
    return watcher;
  }

  /** Takes a sample at `nowMs` and puts the figures since the last one into `reading`; a failing call is returned as its code. */
  read(nowMs: number, reading: GpuReading): number | undefined {
    if (this.last >= 0 && nowMs - this.lastAtMs < gpmMinimumMs) return undefined;
    const target = this.last === 0 ? 1 : 0;
    const current = this.samples[target] ?? 0n;
    const code = this.extras.gpmSampleGet(this.device, current);
    if (code !== 0) return code;
    const previous = this.last >= 0 ? this.samples[this.last] : undefined;
    this.last = target;
    this.lastAtMs = nowMs;
    if (previous === undefined) return undefined;
    const metrics = this.extras.gpmMetricsGet(previous, current, gpmIds);
    if (!metrics.ok) return metrics.code;
    const set = (key: 'smActivePercent' | 'smOccupancyPercent' | 'tensorActivePercent' | 'dramBandwidthPercent', id: number) => {
      const value = metrics.value.get(id);
      if (value !== undefined && Number.isFinite(value)) reading[key] = value;
    };
    set('smActivePercent', gpmMetrics.smActive);
    set('smOccupancyPercent', gpmMetrics.smOccupancy);
    set('tensorActivePercent', gpmMetrics.tensorActive);
    set('dramBandwidthPercent', gpmMetrics.dramBandwidth);
    return undefined;
  }

  /** Frees the sample buffers. */
  close(): void {
    for (const sample of this.samples.splice(0)) this.extras.gpmSampleFree(sample);
  }
}

/** One NVML event set for every GPU's Xid errors, drained at each reading without waiting. */
export class XidWatcher {
  private constructor(
    private readonly extras: NvmlExtras,
    private readonly set: bigint,
  ) {}

  /** Registers the GPUs' Xid events; undefined where NVML has no events (Windows, an old driver) or none could be registered. */
  static open(extras: NvmlExtras, devices: unknown[]): XidWatcher | undefined {
    const set = extras.eventSetCreate();
    if (!set.ok) return undefined;
    let registered = 0;
    for (const device of devices) if (extras.registerEvents(device, xidEventType, set.value) === 0) registered += 1;
    if (registered === 0) {
      extras.eventSetFree(set.value);
      return undefined;
    }
    return new XidWatcher(extras, set.value);
  }

  /** The Xid errors waiting, by the GPU handle they came from. */
  drain(): { device: bigint; xid: number }[] {
    const found: { device: bigint; xid: number }[] = [];
    for (let i = 0; i < 64; i++) {
      const event = this.extras.eventWait(this.set);
      if (!event.ok || event.value === undefined) break;
      if (event.value.type === xidEventType) found.push({ device: event.value.device, xid: Number(event.value.data) });
    }
    return found;
  }

  /** Frees the event set. */
  close(): void {
    this.extras.eventSetFree(this.set);
  }
}
