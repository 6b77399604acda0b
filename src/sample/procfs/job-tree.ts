import type { SampleValue } from '../reading.js';
import { JobCpuAccount } from './job-cpu.js';
import { type ProcessStat, parseProcessStatBytes, parseUptime } from './parse.js';
import { listPids, ProcFiles } from './read-file.js';

/** One reading of the job's tree. */
export interface JobReading {
  values: SampleValue[];
  /** The tree's processes at this reading. */
  pids: number[];
}

// Every so often forget which pids were outside the job, in case a pid was reused by a job process.
const fullScanEvery = 30;
// /proc/loadavg ends with the pid the kernel handed out last (to a process or a thread) in this pid namespace.
const lastPidPattern = /\s(\d+)\s*$/;
const maxRemembered = 100_000;

/**
 * Finds the job's process tree afresh at each reading (the root and every descendant) and sums its CPU, memory, processes and threads.
 *
 * The tree comes from the ppid in /proc/<pid>/stat. A process outside the tree never joins it later (a process only changes parent
 * when its parent dies, and then to an ancestor or init), so pids found outside it are remembered and not read again: each reading
 * reads one small file per job process plus one per process started since the last reading, not one per process on the machine.
 *
 * Where the last pid handed out (the end of /proc/loadavg) is the same as at the reading before, no process or thread has
 * started anywhere since (the job's processes get their pids in this pid namespace, even those in a namespace of their own):
 * the tree can only have lost processes, so the reading reads the stat of the last tree's processes and does not list /proc.
 */
export class JobTreeProbe {
  private rootPid: number | undefined;
  private rootStartTime: number | undefined;
  private rootParent: number | undefined;
  private state: 'none' | 'running' | 'exited' | 'done' = 'none';
  private outside = new Set<number>();
  private readonly cpu = new JobCpuAccount();
  private lastGauges: SampleValue[] = [];
  private previousAtMs = 0;
  private readingsSinceFullScan = 0;
  /** The last pid handed out, as of the previous listing of /proc; undefined where /proc/loadavg cannot tell. */
  private lastPid: number | undefined;
  /** The processes of the tree at the previous reading: all a reading needs to read while no pid was handed out. */
  private lastTree: number[] = [];
  /** Whether the latest reading listed /proc (and so may have opened the stat files of processes outside the tree). */
  private listed = false;
  private readonly files: ProcFiles;
  /** Every pid that was in the tree: the kernel log's OOM victims are matched against them. */
  readonly everSeen = new Set<number>();

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

  /**
   * Measures the tree under `pid` from the next reading on. Its CPU counts from `startedAtMs` (the job's start, on the same
   * monotonic clock as `nowMs`): processes started since then count all their CPU, older ones (a program measuring itself) from now.
   */
  setRoot(pid: number, startedAtMs: number, nowMs: number): void {
    this.rootPid = pid;
    this.rootStartTime = undefined;
    this.rootParent = undefined;
    this.state = 'running';
    this.outside.clear();
    this.lastPid = undefined;
    this.lastTree = [];
    this.lastGauges = [];
    this.previousAtMs = Math.min(startedAtMs, nowMs);
    this.cpu.countFrom(this.uptimeTicks() - ((nowMs - this.previousAtMs) / 1000) * this.units.clockTicks);
  }

  /** Takes one reading at `nowMs` (monotonic). Once the root has exited, one last reading has the CPU it used since the one before. */
  read(nowMs: number, memoryTotalBytes: number | undefined): JobReading {
    if (this.rootPid === undefined || this.state === 'none' || this.state === 'done') return { values: [], pids: [] };
    // Read before listing /proc: a process the listing misses started after this.
    const uptimeTicks = this.uptimeTicks();
    const stats = this.readCandidates();
    const root = stats.get(this.rootPid);
    const sameRoot = root !== undefined && (this.rootStartTime === undefined || root.startTime === this.rootStartTime);
    if (sameRoot) {
      this.rootStartTime = root.startTime;
      this.rootParent = root.ppid;
    }
    const ownChildTicks = this.rootParent === process.pid ? this.ownChildTicks() : undefined;
    const running = sameRoot && root.state !== 'Z';
    // An exited root waiting to be reaped (a zombie) still shows its final CPU; its children have gone to init.
    const tree = running ? treeUnder(root.pid, stats) : sameRoot ? new Map([[root.pid, root]]) : new Map<number, ProcessStat>();
    for (const pid of stats.keys()) if (!tree.has(pid)) this.outside.add(pid);
    const ticks = this.cpu.ticksSince(tree, stats, ownChildTicks);
    this.cpu.readingAt(uptimeTicks);
    const seconds = (nowMs - this.previousAtMs) / 1000;
    this.previousAtMs = nowMs;
    const values: SampleValue[] = seconds > 0 ? [{ name: 'job/cpu_percent', value: (ticks / this.units.clockTicks / seconds) * 100 }] : [];
    if (running) {
      this.lastGauges = this.gauges(tree, memoryTotalBytes);
      values.push(...this.lastGauges);
      if (this.everSeen.size < maxRemembered) for (const pid of tree.keys()) this.everSeen.add(pid);
      const pids = [...tree.keys()];
      // A reading that did not list /proc opened no new file; a kept file of a process that exited closed at its failed read.
      if (this.listed) {
        const kept = new Set(pids.map((pid) => `${this.procDir}/${pid}/stat`));
        const always = [`${this.procDir}/uptime`, `${this.procDir}/self/stat`, `${this.procDir}/loadavg`];
        this.files.retain((path) => kept.has(path) || always.includes(path));
      }
      this.lastTree = pids;
      return { values, pids };
    }
    // The job's last memory and processes stand for the time from its last reading to its exit, once.
    if (this.state === 'running') values.push(...this.lastGauges);
    this.lastTree = [...tree.keys()];
    // Reaped: our own cutime (when we are its parent) has now brought its last CPU in; nothing more will come.
    this.state = sameRoot ? 'exited' : 'done';
    if (this.state === 'done') this.files.close();
    return { values, pids: [] };
  }

  private gauges(tree: Map<number, ProcessStat>, memoryTotalBytes: number | undefined): SampleValue[] {
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
    const rssBytes = rssPages * this.units.pageSize;
    const values: SampleValue[] = [{ name: 'job/memory_rss_bytes', value: rssBytes }];
    if (memoryTotalBytes) values.push({ name: 'job/memory_percent', value: (rssBytes / memoryTotalBytes) * 100 });
    values.push({ name: 'job/processes', value: processes }, { name: 'job/threads', value: threads });
    return values;
  }

  /** The stat of every process that may be in the tree: all but those already known to be outside it (read() adds the new ones). */
  private readCandidates(): Map<number, ProcessStat> {
    this.readingsSinceFullScan++;
    const stats = new Map<number, ProcessStat>();
    const lastPid = this.readLastPid();
    // A sandbox whose /proc/loadavg is a stand-in (all zeros) cannot tell; and /proc is listed every fullScanEvery readings
    // whatever the file says, so that a kernel whose count did not move when it should have misses a new process for
    // half a minute at most.
    if (lastPid !== undefined && lastPid > 0 && lastPid === this.lastPid && this.readingsSinceFullScan < fullScanEvery) {
      // No pid handed out since the last listing: no process can have joined the tree, and none outside it reused a pid.
      this.listed = false;
      for (const pid of this.lastTree) {
        const stat = this.readStat(pid);
        if (stat) stats.set(pid, stat);
      }
      return stats;
    }
    this.lastPid = lastPid;
    this.listed = true;
    if (this.readingsSinceFullScan >= fullScanEvery) {
      this.readingsSinceFullScan = 0;
      this.outside.clear();
    }
    const stillOutside = new Set<number>();
    for (const pid of listPids(this.procDir)) {
      if (this.outside.has(pid)) {
        stillOutside.add(pid);
        continue;
      }
      const stat = this.readStat(pid);
      if (stat) stats.set(pid, stat);
    }
    this.outside = stillOutside;
    return stats;
  }

  private readStat(pid: number): ProcessStat | undefined {
    const bytes = this.files.readBytes(`${this.procDir}/${pid}/stat`);
    return bytes === undefined ? undefined : parseProcessStatBytes(bytes);
  }

  /** The last pid handed out in this pid namespace, read before /proc is listed; undefined where /proc/loadavg lacks it. */
  private readLastPid(): number | undefined {
    const match = lastPidPattern.exec(this.files.read(`${this.procDir}/loadavg`) ?? '');
    return match === null ? undefined : Number(match[1]);
  }

  private uptimeTicks(): number {
    const uptime = this.files.read(`${this.procDir}/uptime`);
    return uptime === undefined ? 0 : parseUptime(uptime) * this.units.clockTicks;
  }

  /** This process's cutime + cstime: the CPU of the children it reaped, the job's root among them. */
  private ownChildTicks(): number | undefined {
    const bytes = this.files.readBytes(`${this.procDir}/self/stat`);
    const stat = bytes === undefined ? undefined : parseProcessStatBytes(bytes);
    return stat === undefined ? undefined : stat.cutime + stat.cstime;
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
