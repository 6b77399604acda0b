import { minimumRateWindowMs, type SampleValue } from '../reading.js';
import { type ProcessStat, parseProcessStat, parseUptime } from './parse.js';
import { listPids, ProcFiles } from './read-file.js';

/** What the probe remembers of a job process between readings. */
interface TrackedProcess {
  startTime: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks: its own CPU and that of the children it reaped. */
  cpuTicks: number;
}

// Every so often forget which pids were outside the job, in case a pid was reused by a job process.
const fullScanEvery = 30;

/**
 * Finds the job's process tree afresh at each reading (the root and every descendant) and sums its CPU, memory, processes and threads.
 *
 * The tree comes from the ppid in /proc/<pid>/stat. A process outside the tree never joins it later (a process only changes parent
 * when its parent dies, and then to an ancestor or init), so pids found outside it are remembered and not read again: each reading
 * reads one small file per job process plus one per process started since the last reading, not one per process on the machine.
 */
export class JobTreeProbe {
  private rootPid: number | undefined;
  private rootStartTime: number | undefined;
  private outside = new Set<number>();
  private tracked = new Map<number, TrackedProcess>();
  private previous: { atMs: number; uptimeTicks: number } | undefined;
  private readings = 0;
  private readonly files: ProcFiles;

  constructor(
    private readonly procDir: string,
    private readonly units: { pageSize: number; clockTicks: number },
  ) {
    this.files = new ProcFiles(procDir);
  }

  /** Closes the files it keeps open. */
  close(): void {
    this.files.close();
  }

  /** Measures the tree under `pid` from the next reading on. */
  setRoot(pid: number): void {
    this.rootPid = pid;
    this.rootStartTime = undefined;
    this.outside.clear();
    this.tracked.clear();
    this.previous = undefined;
  }

  /** Takes one reading at `nowMs` (a monotonic clock). Returns no values once the root has exited (reaped or a zombie). */
  read(nowMs: number, memoryTotalBytes: number | undefined): { values: SampleValue[]; pids: number[] } {
    if (this.rootPid === undefined) return { values: [], pids: [] };
    const stats = this.readCandidates();
    const root = stats.get(this.rootPid);
    // A zombie root has exited too: its tree would read as no processes and no memory, pulling the report's means down.
    if (root === undefined || root.state === 'Z' || (this.rootStartTime !== undefined && root.startTime !== this.rootStartTime)) {
      this.files.close();
      return { values: [], pids: [] };
    }
    this.rootStartTime = root.startTime;

    const tree = treeUnder(root.pid, stats);
    for (const pid of stats.keys()) if (!tree.has(pid)) this.outside.add(pid);
    // Keep open the stat files of the job's processes only: the others are not read again.
    const kept = new Set([...tree.keys()].map((pid) => `${this.procDir}/${pid}/stat`));
    this.files.retain((path) => kept.has(path) || path === `${this.procDir}/uptime`);

    let rssPages = 0;
    let threads = 0;
    let processes = 0;
    for (const stat of tree.values()) {
      rssPages += stat.rssPages;
      // A zombie has exited and waits to be reaped: it holds no memory and runs nothing.
      if (stat.state === 'Z') continue;
      processes += 1;
      threads += stat.threads;
    }
    const values: SampleValue[] = [];
    const cpuPercent = this.cpuPercent(tree, stats, nowMs);
    if (cpuPercent !== undefined) values.push({ name: 'job/cpu_percent', value: cpuPercent });
    const rssBytes = rssPages * this.units.pageSize;
    values.push({ name: 'job/memory_rss_bytes', value: rssBytes });
    if (memoryTotalBytes) values.push({ name: 'job/memory_percent', value: (rssBytes / memoryTotalBytes) * 100 });
    values.push({ name: 'job/processes', value: processes }, { name: 'job/threads', value: threads });
    return { values, pids: [...tree.keys()] };
  }

  /** The stat of every process that may be in the tree: all but those already known to be outside it. */
  private readCandidates(): Map<number, ProcessStat> {
    if (++this.readings % fullScanEvery === 0) this.outside.clear();
    const stillOutside = new Set<number>();
    const stats = new Map<number, ProcessStat>();
    for (const pid of listPids(this.procDir)) {
      if (this.outside.has(pid)) {
        stillOutside.add(pid);
        continue;
      }
      const text = this.files.read(`${this.procDir}/${pid}/stat`);
      const stat = text === undefined ? undefined : parseProcessStat(text);
      if (stat) stats.set(pid, stat);
    }
    this.outside = stillOutside;
    return stats;
  }

  /**
   * The tree's CPU since the last reading, 100 = one core. Each process counts its own CPU plus that of the children it reaped
   * (cutime, cstime), so a child that exits between readings still counts in full: its last counted total is taken off when it
   * vanishes, and its final total arrives in its parent's cutime.
   */
  private cpuPercent(tree: Map<number, ProcessStat>, alive: Map<number, ProcessStat>, nowMs: number): number | undefined {
    const previous = this.previous;
    if (previous !== undefined && nowMs - previous.atMs < minimumRateWindowMs) return undefined;
    const uptime = this.files.read(`${this.procDir}/uptime`);
    const uptimeTicks = uptime === undefined ? 0 : parseUptime(uptime) * this.units.clockTicks;
    let ticks = 0;
    const tracked = new Map<number, TrackedProcess>();
    for (const [pid, stat] of tree) {
      const now: TrackedProcess = { startTime: stat.startTime, ppid: stat.ppid, cpuTicks: stat.utime + stat.stime + stat.cutime + stat.cstime };
      tracked.set(pid, now);
      const before = this.tracked.get(pid);
      if (before !== undefined && before.startTime === now.startTime) ticks += Math.max(0, now.cpuTicks - before.cpuTicks);
      // New since the last reading: all of its CPU was spent since then.
      else if (previous !== undefined && now.startTime >= previous.uptimeTicks - 1) ticks += now.cpuTicks;
    }
    for (const [pid, gone] of this.tracked) {
      if (tracked.has(pid)) continue;
      // Still running, outside the tree (its parent died and init adopted it): nobody in the tree received its CPU.
      if (alive.get(pid)?.startTime === gone.startTime) continue;
      if (reapedInside(gone, this.tracked, tracked)) ticks -= gone.cpuTicks;
    }
    this.tracked = tracked;
    this.previous = { atMs: nowMs, uptimeTicks };
    if (previous === undefined) return undefined;
    const seconds = (nowMs - previous.atMs) / 1000;
    return Math.max(0, (ticks / this.units.clockTicks / seconds) * 100);
  }
}

/** The root and all its descendants, by ppid. */
function treeUnder(rootPid: number, stats: Map<number, ProcessStat>): Map<number, ProcessStat> {
  const children = new Map<number, number[]>();
  for (const stat of stats.values()) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat.pid);
    else children.set(stat.ppid, [stat.pid]);
  }
  const tree = new Map<number, ProcessStat>();
  const queue = [rootPid];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    const stat = stats.get(pid);
    if (stat === undefined || tree.has(pid)) continue;
    tree.set(pid, stat);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Whether a vanished process's CPU went to an ancestor still in the tree (its nearest surviving ancestor reaped it). */
function reapedInside(gone: TrackedProcess, before: Map<number, TrackedProcess>, now: Map<number, TrackedProcess>): boolean {
  let parent = gone.ppid;
  for (let hops = 0; hops < 1000; hops++) {
    if (now.has(parent)) return true;
    const vanishedParent = before.get(parent);
    if (vanishedParent === undefined) return false;
    parent = vanishedParent.ppid;
  }
  return false;
}
