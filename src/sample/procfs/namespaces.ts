import fs from 'node:fs';

/** Parses the NSpid line of /proc/<pid>/status: the pid in each PID namespace from this /proc's down to the process's own. */
export function parseNsPids(status: string): number[] {
  const line = /^NSpid:\s*(.+)$/m.exec(status)?.[1];
  return line === undefined ? [] : line.trim().split(/\s+/).map(Number).filter(Number.isInteger);
}

/**
 * The job's processes under the other PID namespaces they live in, for matching the pids a GPU driver gives: a job in a nested
 * namespace (apptainer, unshare) has one pid here and another in its own. Each process's NSpid is read once: it never changes.
 */
export class NamespacePids {
  private readonly known = new Map<number, number[]>();

  constructor(private readonly procDir: string) {}

  /** Every pid the given job processes have, in any namespace visible from here. */
  aliasesOf(pids: Iterable<number>): Set<number> {
    const aliases = new Set<number>();
    const current = new Set<number>();
    for (const pid of pids) {
      current.add(pid);
      let nsPids = this.known.get(pid);
      if (nsPids === undefined) {
        try {
          nsPids = parseNsPids(fs.readFileSync(`${this.procDir}/${pid}/status`, 'latin1'));
        } catch {
          nsPids = [];
        }
        this.known.set(pid, nsPids);
      }
      for (const alias of nsPids) aliases.add(alias);
    }
    // Forget exited processes, so that a reused pid is read afresh.
    for (const pid of this.known.keys()) if (!current.has(pid)) this.known.delete(pid);
    return aliases;
  }
}
