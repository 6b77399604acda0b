import fs from 'node:fs';
import type { SampleValue } from './reading.js';

/** Space used on the filesystems holding the given paths, as `df` counts it. */
export class DiskUsageProbe {
  private readonly paths: { path: string; label?: string }[] = [];

  /** The first path (the job's working directory) gives the unlabelled series; the others are labelled with their path. */
  constructor(
    paths: string[],
    private readonly warnOnce: (key: string, message: string) => void,
  ) {
    const seenDevices = new Set<number>();
    paths.forEach((path, index) => {
      let device: number | undefined;
      try {
        device = fs.statSync(path).dev;
      } catch {
        warnOnce(`disk:${path}`, `cannot read the disk holding ${path}: it does not exist or is not readable`);
        return;
      }
      // Two paths on one filesystem would give the same numbers twice.
      if (index > 0 && seenDevices.has(device)) return;
      seenDevices.add(device);
      this.paths.push(index === 0 ? { path } : { path, label: path });
    });
  }

  /** Takes one reading. */
  read(): SampleValue[] {
    const values: SampleValue[] = [];
    for (const { path, label } of this.paths) {
      let stats: fs.StatsFs;
      try {
        stats = fs.statfsSync(path);
      } catch (error) {
        this.warnOnce(`disk:${path}`, `cannot read the disk holding ${path}: ${(error as Error).message}`);
        continue;
      }
      const used = (stats.blocks - stats.bfree) * stats.bsize;
      // df's Use%: blocks reserved for root count as neither used nor available.
      const usable = used + stats.bavail * stats.bsize;
      const device = label === undefined ? {} : { device: label };
      values.push({ name: 'system/disk_used_bytes', value: used, ...device });
      if (usable > 0) values.push({ name: 'system/disk_percent', value: (used / usable) * 100, ...device });
    }
    return values;
  }
}
