import type { ProcessStat } from './parse.js';

/** What is remembered of a job process between readings. */
interface TrackedProcess {
  startTime: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks: its own CPU and that of the children it reaped. */
  cpuTicks: number;
}

/**
 * Counts the CPU ticks a job's process tree used between readings, so that the ticks of all readings add up to the tree's CPU time.
 *
 * Each process counts its own CPU plus that of the children it reaped (cutime, cstime), so a child that exits between readings
 * still counts in full: its last counted total is taken off when it vanishes, and its final total arrives in its parent's cutime.
 * The root's own final total arrives in the cutime of the process that reaps it: when that is this process (the agent spawned
 * the job), the rise of this process's cutime finishes the count.
 */
export class JobCpuAccount {
  private tracked = new Map<number, TrackedProcess>();
  /** Processes that started at or after this (clock ticks since boot) count all their CPU; older ones from their first reading. */
  private newSinceTicks = Number.POSITIVE_INFINITY;
  private ownChildTicks: number | undefined;

  /** Counts processes that started at or after `bootTicks` (the job's start) in full from now on. */
  countFrom(bootTicks: number): void {
    this.tracked.clear();
    this.newSinceTicks = bootTicks;
    this.ownChildTicks = undefined;
  }

  /** The ticks the tree used since the last reading. `ownChildTicks` is this process's cutime + cstime, when it is the root's parent. */
  ticksSince(tree: ReadonlyMap<number, ProcessStat>, alive: ReadonlyMap<number, ProcessStat>, ownChildTicks: number | undefined): number {
    let ticks = 0;
    const tracked = new Map<number, TrackedProcess>();
    for (const [pid, stat] of tree) {
      const now: TrackedProcess = { startTime: stat.startTime, ppid: stat.ppid, cpuTicks: stat.utime + stat.stime + stat.cutime + stat.cstime };
      tracked.set(pid, now);
      const before = this.tracked.get(pid);
      if (before !== undefined && before.startTime === now.startTime) ticks += Math.max(0, now.cpuTicks - before.cpuTicks);
      // Started since the last reading (or since the job started): all of its CPU was spent since then.
      else if (now.startTime >= this.newSinceTicks - 1) ticks += now.cpuTicks;
    }
    let reapedByUs = false;
    for (const [pid, gone] of this.tracked) {
      if (tracked.has(pid)) continue;
      // Still running, outside the tree (its parent died and init adopted it): nobody in the tree received its CPU.
      if (alive.get(pid)?.startTime === gone.startTime) continue;
      const reaper = reapedBy(gone, this.tracked, tracked);
      // Its final total arrived in the cutime of an ancestor still in the tree: only the part counted before comes off.
      if (reaper === 'tree') ticks -= gone.cpuTicks;
      // The root, and what it had reaped, arrived in our own cutime: the rise of it since the last reading stands for them all.
      else if (reaper === 'us' && ownChildTicks !== undefined && this.ownChildTicks !== undefined) {
        ticks -= gone.cpuTicks;
        reapedByUs = true;
      }
    }
    if (reapedByUs && ownChildTicks !== undefined && this.ownChildTicks !== undefined) ticks += Math.max(0, ownChildTicks - this.ownChildTicks);
    this.tracked = tracked;
    this.ownChildTicks = ownChildTicks;
    return Math.max(0, ticks);
  }

  /** Marks where the next reading measures from: a process first seen then started after `bootTicks` (read before listing /proc). */
  readingAt(bootTicks: number): void {
    this.newSinceTicks = bootTicks;
  }
}

/**
 * Where a vanished process's CPU went: to its nearest ancestor still in the tree, to this process (the root's parent, through
 * the root), or nowhere that is counted (an ancestor outside the tree, or init after its parent died).
 */
function reapedBy(gone: TrackedProcess, before: ReadonlyMap<number, TrackedProcess>, now: ReadonlyMap<number, TrackedProcess>): 'tree' | 'us' | 'lost' {
  let parent = gone.ppid;
  for (let hops = 0; hops < 1000; hops++) {
    if (now.has(parent)) return 'tree';
    if (parent === process.pid) return 'us';
    const vanishedParent = before.get(parent);
    if (vanishedParent === undefined) return 'lost';
    parent = vanishedParent.ppid;
  }
  return 'lost';
}
