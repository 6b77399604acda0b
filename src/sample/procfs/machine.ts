import type { SampleValue } from '../reading.js';
import { physicalDiskNames, physicalInterfaceNames } from './devices.js';
import { type CpuTimes, meminfoBytes, parseCpuTimes, parseDiskstats, parseNetDev } from './parse.js';
import { ProcFiles } from './read-file.js';

/** Where the probe reads: `/proc` and `/sys`, or a recorded tree in tests. */
export interface ProcfsRoots {
  procDir: string;
  sysDir: string;
}

interface Counters {
  atMs: number;
  cpu?: CpuTimes;
  diskRead?: number;
  diskWrite?: number;
  networkRx?: number;
  networkTx?: number;
}

// Physical disks and NICs change rarely (hotplug); listing sysfs once a minute is plenty.
const deviceListRefreshMs = 60_000;

/** Reads the machine's CPU, memory, disk IO and network from procfs; rates and CPU come from the change since the last read. */
export class LinuxMachineProbe {
  private previous: Counters | undefined;
  private readonly disks = new DeviceList(physicalDiskNames);
  private readonly interfaces = new DeviceList(physicalInterfaceNames);
  private readonly files: ProcFiles;
  /** MemTotal in bytes, from the latest read (the job's memory_percent divides by it). */
  memoryTotalBytes: number | undefined;

  constructor(
    private readonly roots: ProcfsRoots,
    private readonly warnOnce: (key: string, message: string) => void,
  ) {
    this.files = new ProcFiles(roots.procDir);
  }

  /** Closes the files it keeps open. */
  close(): void {
    this.files.close();
  }

  /** Takes one reading at `nowMs` (a monotonic clock). */
  read(nowMs: number): SampleValue[] {
    const values: SampleValue[] = [];
    const current: Counters = { atMs: nowMs };
    const { procDir } = this.roots;

    const stat = this.files.read(`${procDir}/stat`);
    current.cpu = stat === undefined ? undefined : parseCpuTimes(stat);
    if (current.cpu === undefined) this.warnOnce('proc-stat', `cannot read ${procDir}/stat: no system/cpu_percent`);

    const meminfo = this.files.read(`${procDir}/meminfo`);
    if (meminfo === undefined) this.warnOnce('meminfo', `cannot read ${procDir}/meminfo: no system/memory_* series`);
    else values.push(...this.memoryValues(meminfo));

    const diskstats = this.files.read(`${procDir}/diskstats`);
    if (diskstats !== undefined) {
      const disks = parseDiskstats(diskstats);
      const physical = this.disks.counted(this.roots.sysDir, disks, nowMs);
      current.diskRead = 0;
      current.diskWrite = 0;
      for (const disk of disks) {
        if (!physical.has(disk.name)) continue;
        current.diskRead += disk.readBytes;
        current.diskWrite += disk.writeBytes;
      }
    }
    const netDev = this.files.read(`${procDir}/net/dev`);
    if (netDev !== undefined) {
      current.networkRx = 0;
      current.networkTx = 0;
      const links = parseNetDev(netDev);
      const physical = this.interfaces.counted(this.roots.sysDir, links, nowMs);
      for (const link of links) {
        if (!physical.has(link.name)) continue;
        current.networkRx += link.rxBytes;
        current.networkTx += link.txBytes;
      }
    }

    // Rates are the change since the last reading, over however long it was: the sampler weighs each reading by that time.
    if (this.previous !== undefined && current.atMs > this.previous.atMs) values.push(...rateValues(this.previous, current));
    this.previous = current;
    return values;
  }

  private memoryValues(meminfo: string): SampleValue[] {
    const total = meminfoBytes(meminfo, 'MemTotal');
    if (total === undefined || total === 0) return [];
    this.memoryTotalBytes = total;
    // MemAvailable (Linux 3.14+) is what programs can still get; without it, free plus page cache is the usual estimate.
    const available =
      meminfoBytes(meminfo, 'MemAvailable') ??
      (meminfoBytes(meminfo, 'MemFree') ?? 0) + (meminfoBytes(meminfo, 'Buffers') ?? 0) + (meminfoBytes(meminfo, 'Cached') ?? 0);
    const used = total - available;
    return [
      { name: 'system/memory_used_bytes', value: used },
      { name: 'system/memory_percent', value: (used / total) * 100 },
    ];
  }
}

/** Which devices count, listed again from sysfs when a new name shows up or once a minute. */
class DeviceList {
  private counts = new Set<string>();
  private seen = new Set<string>();
  private atMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly find: (sysDir: string, names: string[]) => Set<string>) {}

  counted(sysDir: string, devices: { name: string }[], nowMs: number): Set<string> {
    if (nowMs - this.atMs > deviceListRefreshMs || devices.some((device) => !this.seen.has(device.name))) {
      const names = devices.map((device) => device.name);
      this.counts = this.find(sysDir, names);
      this.seen = new Set(names);
      this.atMs = nowMs;
    }
    return this.counts;
  }
}

function rateValues(previous: Counters, current: Counters): SampleValue[] {
  const values: SampleValue[] = [];
  const seconds = (current.atMs - previous.atMs) / 1000;
  if (previous.cpu && current.cpu) {
    const total = current.cpu.total - previous.cpu.total;
    if (total > 0) values.push({ name: 'system/cpu_percent', value: clamp(((current.cpu.busy - previous.cpu.busy) / total) * 100, 0, 100) });
  }
  // A counter that went down (a device or interface that went away) gives no rate for this window rather than a negative one.
  const rate = (name: string, before: number | undefined, after: number | undefined) => {
    if (before !== undefined && after !== undefined && after >= before) values.push({ name, value: (after - before) / seconds });
  };
  rate('system/disk_read_bytes_per_s', previous.diskRead, current.diskRead);
  rate('system/disk_write_bytes_per_s', previous.diskWrite, current.diskWrite);
  rate('system/network_rx_bytes_per_s', previous.networkRx, current.networkRx);
  rate('system/network_tx_bytes_per_s', previous.networkTx, current.networkTx);
  return values;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
