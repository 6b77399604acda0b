import fs from 'node:fs';

/** A process the kernel's OOM killer killed, as its log says. */
export interface OomKill {
  pid: number;
  command: string;
  /** anon-rss + file-rss + shmem-rss at the kill. */
  rssBytes?: number;
  /** µs since boot (the log's clock). */
  atUs: number;
  /** Whether a cgroup's limit (`Memory cgroup out of memory`) rather than the whole machine ran out. */
  cgroupLimit: boolean;
}

/** An Xid error the NVIDIA driver logged (`NVRM: Xid (PCI:0000:3b:00): 79, pid=..., GPU has fallen off the bus.`). */
export interface LoggedXid {
  pci: string;
  xid: number;
  atUs: number;
}

/** What the kernel log says about the job's end. */
export interface KernelFindings {
  oomKills: OomKill[];
  xids: LoggedXid[];
}

/** Parses /dev/kmsg records (`6,1234,5678901,-;message`) from `sinceUs` on. */
export function parseKernelLog(records: readonly string[], sinceUs: number): KernelFindings {
  const findings: KernelFindings = { oomKills: [], xids: [] };
  for (const record of records) {
    const semicolon = record.indexOf(';');
    const atUs = Number(record.slice(0, semicolon).split(',')[2]);
    if (semicolon < 0 || !(atUs >= sinceUs)) continue;
    const message = record.slice(semicolon + 1).split('\n')[0] ?? '';
    const kill = /(Memory cgroup out of memory|Out of memory[^:]*): Killed process (\d+) \(([^)]*)\)(.*)$/.exec(message);
    if (kill) {
      const kb = (field: string) => Number(new RegExp(`${field}:(\\d+)kB`).exec(kill[4] ?? '')?.[1] ?? 0);
      const rssKb = kb('anon-rss') + kb('file-rss') + kb('shmem-rss');
      findings.oomKills.push({
        pid: Number(kill[2]),
        command: kill[3] ?? '',
        ...(rssKb > 0 ? { rssBytes: rssKb * 1024 } : {}),
        atUs,
        cgroupLimit: (kill[1] ?? '').startsWith('Memory cgroup'),
      });
      continue;
    }
    const xid = /NVRM: Xid \(PCI:([0-9a-fA-F:.]+)\): (\d+)/.exec(message);
    if (xid) findings.xids.push({ pci: xid[1] ?? '', xid: Number(xid[2]), atUs });
  }
  return findings;
}

const maxRecords = 200_000;

/**
 * The kernel log's records, read without blocking from /dev/kmsg (root, or CAP_SYSLOG where dmesg_restrict is set).
 * Undefined when it cannot be read.
 */
export function readKernelLog(device = '/dev/kmsg'): string[] | undefined {
  let fd: number;
  try {
    fd = fs.openSync(device, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const records: string[] = [];
  const buffer = Buffer.alloc(16 * 1024);
  let overwritten = 0;
  try {
    while (records.length < maxRecords) {
      let length: number;
      try {
        length = fs.readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        // EPIPE: records were overwritten while reading; the next read goes on from the oldest kept. EAGAIN: the end.
        if ((error as NodeJS.ErrnoException).code === 'EPIPE' && overwritten++ < maxRecords) continue;
        break;
      }
      if (length === 0) break;
      records.push(buffer.toString('utf8', 0, length));
    }
  } finally {
    fs.closeSync(fd);
  }
  return records;
}

/** The monotonic clock in µs, the clock the kernel log stamps its records with. */
export function monotonicMicroseconds(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
