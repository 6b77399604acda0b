// Pure parsers for the Linux /proc files the sampler reads: text in, numbers out, no I/O.

/** One process as /proc/<pid>/stat describes it. Times are in clock ticks, `startTime` in ticks since boot. */
export interface ProcessStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  /** CPU time of children it has waited for: how the CPU of exited children stays counted. */
  cutime: number;
  cstime: number;
  threads: number;
  startTime: number;
  rssPages: number;
}

/** Parses /proc/<pid>/stat. The command name sits in parentheses and may itself hold spaces and parentheses. */
export function parseProcessStat(text: string): ProcessStat | undefined {
  return parseProcessStatBytes(Buffer.from(text, 'latin1'));
}

// Fields after the name, numbered as in proc(5): state is 3, ppid 4, utime 14, stime 15, cutime 16, cstime 17, threads 20,
// starttime 22, rss 24. Only these are read.
const wanted = new Map([
  [4, 'ppid'],
  [14, 'utime'],
  [15, 'stime'],
  [16, 'cutime'],
  [17, 'cstime'],
  [20, 'threads'],
  [22, 'startTime'],
  [24, 'rssPages'],
] as const);

/**
 * Parses /proc/<pid>/stat from its bytes, without making strings of its fields: the sampler reads one per job process per
 * reading, and this is most of a reading's own work.
 */
export function parseProcessStatBytes(bytes: Uint8Array): ProcessStat | undefined {
  const open = bytes.indexOf(0x28);
  const close = bytes.lastIndexOf(0x29);
  if (open < 1 || close < open || close + 2 >= bytes.length) return undefined;
  let pid = 0;
  for (let i = 0; i < open - 1; i++) {
    const digit = (bytes[i] ?? 0) - 48;
    if (digit < 0 || digit > 9) return undefined;
    pid = pid * 10 + digit;
  }
  const stat: ProcessStat = {
    pid,
    comm: Buffer.from(bytes.buffer, bytes.byteOffset + open + 1, close - open - 1).toString('latin1'),
    state: String.fromCharCode(bytes[close + 2] ?? 63),
    ppid: 0,
    utime: 0,
    stime: 0,
    cutime: 0,
    cstime: 0,
    threads: 0,
    startTime: 0,
    rssPages: Number.NaN,
  };
  let field = 3;
  let value = 0;
  let negative = false;
  for (let i = close + 4; i <= bytes.length && field < 24; i++) {
    const byte = i < bytes.length ? (bytes[i] ?? 32) : 32;
    if (byte === 32 || byte === 10) {
      field += 1;
      const key = wanted.get(field as 4);
      if (key !== undefined) stat[key] = negative ? -value : value;
      value = 0;
      negative = false;
    } else if (byte === 45) negative = true;
    else value = value * 10 + (byte - 48);
  }
  return field >= 24 ? stat : undefined;
}

/** The machine's CPU time from the `cpu` line of /proc/stat, in clock ticks: busy and total, all cores together. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/** Parses the aggregate `cpu` line of /proc/stat. Idle and iowait are idle; guest time is already inside user. */
export function parseCpuTimes(text: string): CpuTimes | undefined {
  const start = text.startsWith('cpu ') ? 0 : text.indexOf('\ncpu ') + 1;
  if (!text.startsWith('cpu ', start)) return undefined;
  const end = text.indexOf('\n', start);
  const fields = text
    .slice(start + 4, end < 0 ? undefined : end)
    .trim()
    .split(/\s+/)
    .map(Number);
  // user nice system idle iowait irq softirq steal [guest guest_nice]
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** Parses /proc/meminfo into bytes by field name (`MemTotal`, `MemAvailable`, ...). */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (match?.[1] && match[2]) fields.set(match[1], Number(match[2]) * (line.endsWith('kB') ? 1024 : 1));
  }
  return fields;
}

/** Bytes a block device has read and written since boot. */
export interface DiskCounters {
  name: string;
  readBytes: number;
  writeBytes: number;
}

/** Parses /proc/diskstats. Sectors there are always 512 bytes, whatever the device's own sector size. */
export function parseDiskstats(text: string): DiskCounters[] {
  const disks: DiskCounters[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || !fields[2]) continue;
    disks.push({ name: fields[2], readBytes: Number(fields[5]) * 512, writeBytes: Number(fields[9]) * 512 });
  }
  return disks;
}

/** Bytes a network interface has received and sent since it came up. */
export interface NetworkCounters {
  name: string;
  rxBytes: number;
  txBytes: number;
}

/** Parses /proc/net/dev (two header lines, then `iface: rx_bytes packets ... tx_bytes ...`). */
export function parseNetDev(text: string): NetworkCounters[] {
  const interfaces: NetworkCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (fields.length < 16) continue;
    interfaces.push({ name: line.slice(0, colon).trim(), rxBytes: Number(fields[0]), txBytes: Number(fields[8]) });
  }
  return interfaces;
}

/** Parses /proc/uptime: seconds since boot. */
export function parseUptime(text: string): number {
  return Number(text.trim().split(/\s+/)[0]);
}

const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

/** Page size and clock ticks per second from /proc/self/auxv (pairs of native words), with Linux's usual values as defaults. */
export function parseAuxv(bytes: Buffer, wordBytes: 4 | 8, littleEndian = true): { pageSize: number; clockTicks: number } {
  const result = { pageSize: 4096, clockTicks: 100 };
  const read = (offset: number) =>
    wordBytes === 8
      ? Number(littleEndian ? bytes.readBigUInt64LE(offset) : bytes.readBigUInt64BE(offset))
      : littleEndian
        ? bytes.readUInt32LE(offset)
        : bytes.readUInt32BE(offset);
  for (let offset = 0; offset + 2 * wordBytes <= bytes.length; offset += 2 * wordBytes) {
    const key = read(offset);
    if (key === 0) break;
    if (key === AT_PAGESZ) result.pageSize = read(offset + wordBytes);
    if (key === AT_CLKTCK) result.clockTicks = read(offset + wordBytes);
  }
  return result;
}
