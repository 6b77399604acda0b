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
  const end = lineEnd(text, start);
  // user nice system idle iowait irq softirq steal [guest guest_nice]
  const times = [0, 0, 0, 0, 0, 0, 0, 0];
  let field = 0;
  for (let at = nextToken(text, start + 4, end); at < end && field < times.length; at = nextToken(text, at, end)) {
    const after = tokenEnd(text, at, end);
    times[field++] = numberIn(text, at, after);
    at = after;
  }
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = times;
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

/**
 * One field of /proc/meminfo in bytes (`MemTotal`, `MemAvailable`, ...), found without parsing the other lines: the sampler
 * reads two or three fields a second; undefined when the file has no such line.
 */
export function meminfoBytes(text: string, name: string): number | undefined {
  let at = 0;
  if (!text.startsWith(`${name}:`)) {
    at = text.indexOf(`\n${name}:`) + 1;
    if (at === 0) return undefined;
  }
  const end = lineEnd(text, at);
  const digits = nextToken(text, at + name.length + 1, end);
  if (digits >= end) return undefined;
  const after = tokenEnd(text, digits, end);
  const value = numberIn(text, digits, after);
  if (Number.isNaN(value)) return undefined;
  return text.startsWith(' kB', after) ? value * 1024 : value;
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
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    // major minor name reads merged sectors_read ms writes merged sectors_written ...: fields 2, 5 and 9.
    let field = 0;
    let name = '';
    let read = 0;
    let written = 0;
    for (let at = nextToken(text, start, end); at < end; at = nextToken(text, at, end)) {
      const after = tokenEnd(text, at, end);
      if (field === 2) name = text.slice(at, after);
      else if (field === 5) read = numberIn(text, at, after);
      else if (field === 9) written = numberIn(text, at, after);
      field++;
      at = after;
    }
    if (field >= 10 && name !== '') disks.push({ name, readBytes: read * 512, writeBytes: written * 512 });
    start = end + 1;
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
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    const colon = text.indexOf(':', start);
    if (colon >= 0 && colon < end) {
      let field = 0;
      let rx = 0;
      let tx = 0;
      for (let at = nextToken(text, colon + 1, end); at < end; at = nextToken(text, at, end)) {
        const after = tokenEnd(text, at, end);
        if (field === 0) rx = numberIn(text, at, after);
        else if (field === 8) tx = numberIn(text, at, after);
        field++;
        at = after;
      }
      if (field >= 16) interfaces.push({ name: text.slice(start, colon).trim(), rxBytes: rx, txBytes: tx });
    }
    start = end + 1;
  }
  return interfaces;
}

// Scanning helpers for the machine files: the sampler reads them every second, and splitting them into arrays of strings
// was most of its allocation.

/** Where the line from `start` ends (its newline, or the text's end). */
function lineEnd(text: string, start: number): number {
  const end = text.indexOf('\n', start);
  return end < 0 ? text.length : end;
}

/** The first character at or after `at`, before `end`, that is not a space or tab (`end` if none). */
function nextToken(text: string, at: number, end: number): number {
  while (at < end) {
    const code = text.charCodeAt(at);
    if (code !== 32 && code !== 9) break;
    at++;
  }
  return at;
}

/** Where the token at `at` ends: the next space or tab, or `end`. */
function tokenEnd(text: string, at: number, end: number): number {
  while (at < end) {
    const code = text.charCodeAt(at);
    if (code === 32 || code === 9) break;
    at++;
  }
  return at;
}

/** The unsigned decimal number text[from, to) holds, as Number() reads it; NaN for anything else. */
function numberIn(text: string, from: number, to: number): number {
  if (from >= to) return Number.NaN;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number(text.slice(from, to));
    value = value * 10 + digit;
  }
  return value;
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
