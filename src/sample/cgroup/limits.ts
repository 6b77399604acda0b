import fs from 'node:fs';
import path from 'node:path';
import type { CgroupDir } from './locate.js';

// v1 writes "no limit" as the largest page-aligned counter (9223372036854771712); anything this large is none.
const noLimitAbove = 2 ** 60;

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The cgroup's directory and each parent up to its hierarchy's mount point: a limit set on any of them applies. */
function upToMount(cgroup: CgroupDir): string[] {
  const dirs: string[] = [];
  for (let dir = cgroup.dir; ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === cgroup.mountPoint || !dir.startsWith(cgroup.mountPoint) || dir === path.dirname(dir)) return dirs;
  }
}

/** The lowest memory limit on the cgroup or its parents (v2 memory.max, v1 memory.limit_in_bytes), in bytes; undefined when none. */
export function readMemoryLimit(cgroup: CgroupDir): number | undefined {
  let lowest: number | undefined;
  for (const dir of upToMount(cgroup)) {
    const text = readText(path.join(dir, cgroup.version === 2 ? 'memory.max' : 'memory.limit_in_bytes'))?.trim();
    const bytes = text === undefined || text === 'max' ? undefined : Number(text);
    if (bytes !== undefined && Number.isFinite(bytes) && bytes > 0 && bytes < noLimitAbove) lowest = Math.min(lowest ?? bytes, bytes);
  }
  return lowest;
}

/** Parses v2 cpu.max (`150000 100000`, or `max 100000`) into cores; undefined when unlimited. */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  const cores = Number(quota) / Number(period ?? 100000);
  return Number.isFinite(cores) && cores > 0 ? cores : undefined;
}

/** The lowest CPU quota on the cgroup or its parents, in cores (v2 cpu.max, v1 cpu.cfs_quota_us / cpu.cfs_period_us). */
export function readCpuLimit(cgroup: CgroupDir): number | undefined {
  let lowest: number | undefined;
  for (const dir of upToMount(cgroup)) {
    let cores: number | undefined;
    if (cgroup.version === 2) {
      const text = readText(path.join(dir, 'cpu.max'));
      cores = text === undefined ? undefined : parseCpuMax(text);
    } else {
      const quota = Number(readText(path.join(dir, 'cpu.cfs_quota_us')));
      const period = Number(readText(path.join(dir, 'cpu.cfs_period_us')));
      cores = quota > 0 && period > 0 ? quota / period : undefined;
    }
    if (cores !== undefined) lowest = Math.min(lowest ?? cores, cores);
  }
  return lowest;
}

/** How many processes the OOM killer killed in the cgroup (v2 memory.events `oom_kill`, v1 memory.oom_control `oom_kill`, Linux 4.13+). */
export function readOomKills(cgroup: CgroupDir): number | undefined {
  const text = readText(path.join(cgroup.dir, cgroup.version === 2 ? 'memory.events' : 'memory.oom_control'));
  const count = text === undefined ? undefined : /^oom_kill (\d+)$/m.exec(text)?.[1];
  return count === undefined ? undefined : Number(count);
}

/** The cgroup's highest memory use so far (v2 memory.peak, Linux 5.19+; v1 memory.max_usage_in_bytes), page cache and all. */
export function readMemoryPeak(cgroup: CgroupDir): number | undefined {
  const text = readText(path.join(cgroup.dir, cgroup.version === 2 ? 'memory.peak' : 'memory.max_usage_in_bytes'));
  const bytes = text === undefined ? Number.NaN : Number(text.trim());
  return Number.isFinite(bytes) ? bytes : undefined;
}

/** The file holding the cgroup's memory use now (v2 memory.current, v1 memory.usage_in_bytes). */
export function memoryUsageFile(cgroup: CgroupDir): string {
  return path.join(cgroup.dir, cgroup.version === 2 ? 'memory.current' : 'memory.usage_in_bytes');
}

/** The machine-wide count of OOM kills (/proc/vmstat `oom_kill`, Linux 4.13+). */
export function readMachineOomKills(procDir: string): number | undefined {
  const count = /^oom_kill (\d+)$/m.exec(readText(`${procDir}/vmstat`) ?? '')?.[1];
  return count === undefined ? undefined : Number(count);
}

/** How many CPUs a process may run on (Cpus_allowed_list in /proc/<pid>/status: cpusets, taskset). */
export function readAllowedCpus(procDir: string, pid: number): number | undefined {
  const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(readText(`${procDir}/${pid}/status`) ?? '')?.[1];
  if (list === undefined) return undefined;
  let count = 0;
  for (const range of list.trim().split(',')) {
    const [low, high] = range.split('-').map(Number);
    if (low === undefined || !Number.isInteger(low)) return undefined;
    count += high === undefined ? 1 : high - low + 1;
  }
  return count;
}
