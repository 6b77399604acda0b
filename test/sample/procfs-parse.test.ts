import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  meminfoBytes,
  parseAuxv,
  parseCpuTimes,
  parseDiskstats,
  parseMeminfo,
  parseNetDev,
  parseProcessStat,
  parseUptime,
} from '../../src/sample/procfs/parse.js';

const recorded = path.join(import.meta.dirname, '../fixtures/proc/job-tree');
const read = (file: string) => fs.readFileSync(path.join(recorded, file), 'latin1');
const rootPid = Number(read('root_pid'));

describe('parseProcessStat', () => {
  it('reads ppid, CPU ticks, threads, start time and rss from a recorded /proc/<pid>/stat', () => {
    const busyChild = fs
      .readdirSync(path.join(recorded, 'after/proc'))
      .filter((name) => /^\d+$/.test(name))
      .map((name) => parseProcessStat(read(`after/proc/${name}/stat`)))
      .find((stat) => stat?.comm === 'node');
    expect(busyChild).toMatchObject({ ppid: rootPid, state: 'R', threads: 7, utime: 138, stime: 3, startTime: 97714, rssPages: 11570 });
  });

  it('finds the fields after a command name holding spaces and parentheses', () => {
    const stat = parseProcessStat('42 (my (odd) name) S 7 42 42 0 -1 4194560 100 0 0 0 250 50 10 5 20 0 3 0 12345 1000000 321 18446744073709551615');
    expect(stat).toMatchObject({
      pid: 42,
      comm: 'my (odd) name',
      ppid: 7,
      utime: 250,
      stime: 50,
      cutime: 10,
      cstime: 5,
      threads: 3,
      startTime: 12345,
      rssPages: 321,
    });
  });

  it('gives undefined for text that is not a stat line', () => {
    expect(parseProcessStat('')).toBeUndefined();
    expect(parseProcessStat('42 no parentheses')).toBeUndefined();
  });
});

describe('machine files', () => {
  it('sums busy and total CPU ticks from the cpu line, counting iowait as idle', () => {
    expect(parseCpuTimes(read('before/proc/stat'))).toEqual({ busy: 30728 + 4929 + 399 + 30, total: 30728 + 4929 + 157900 + 1103 + 399 + 30 });
    expect(parseCpuTimes('intr 1 2 3\n')).toBeUndefined();
  });

  it('reads /proc/meminfo in bytes', () => {
    const meminfo = parseMeminfo(read('before/proc/meminfo'));
    expect(meminfo.get('MemTotal')).toBe(24683656 * 1024);
    expect(meminfo.get('MemAvailable')).toBe(23966036 * 1024);
    expect(meminfo.get('HugePages_Total')).toBe(0);
  });

  it('finds one /proc/meminfo field in bytes, the first line and unitless ones too, as parseMeminfo reads them all', () => {
    const text = read('before/proc/meminfo');
    expect(meminfoBytes(text, 'MemTotal')).toBe(24683656 * 1024);
    expect(meminfoBytes(text, 'MemAvailable')).toBe(23966036 * 1024);
    expect(meminfoBytes(text, 'HugePages_Total')).toBe(0);
    expect(meminfoBytes(text, 'Mem')).toBeUndefined();
    expect(meminfoBytes(text, 'NoSuchField')).toBeUndefined();
    for (const [name, value] of parseMeminfo(text)) expect(meminfoBytes(text, name)).toBe(value);
    // This machine's own file, whatever its kernel prints.
    const here = fs.readFileSync('/proc/meminfo', 'latin1');
    for (const [name, value] of parseMeminfo(here)) if (!name.includes('(')) expect(meminfoBytes(here, name)).toBe(value);
  });

  it("reads this machine's /proc/stat, diskstats and net/dev as splitting each line on white space does", () => {
    const fields = (line: string) => line.trim().split(/\s+/);
    const stat = fs.readFileSync('/proc/stat', 'latin1');
    const cpu = fields(stat.split('\n')[0] as string)
      .slice(1, 9)
      .map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
    expect(parseCpuTimes(stat)).toEqual({
      busy: user + nice + system + irq + softirq + steal,
      total: user + nice + system + irq + softirq + steal + idle + iowait,
    });
    const diskstats = fs.readFileSync('/proc/diskstats', 'latin1');
    const disks = diskstats
      .split('\n')
      .map(fields)
      .filter((f) => f.length >= 10)
      .map((f) => ({ name: f[2], readBytes: Number(f[5]) * 512, writeBytes: Number(f[9]) * 512 }));
    expect(parseDiskstats(diskstats)).toEqual(disks);
    const netDev = fs.readFileSync('/proc/net/dev', 'latin1');
    const links = netDev
      .split('\n')
      .filter((line) => line.includes(':'))
      .map((line) => ({ name: line.slice(0, line.indexOf(':')).trim(), f: fields(line.slice(line.indexOf(':') + 1)) }))
      .map(({ name, f }) => ({ name, rxBytes: Number(f[0]), txBytes: Number(f[8]) }));
    expect(parseNetDev(netDev)).toEqual(links);
    expect(links.length).toBeGreaterThan(0);
  });

  it('reads bytes read and written per device from /proc/diskstats (512-byte sectors)', () => {
    const vda = parseDiskstats(read('before/proc/diskstats')).find((disk) => disk.name === 'vda');
    expect(vda).toEqual({ name: 'vda', readBytes: 3086530 * 512, writeBytes: 6228608 * 512 });
  });

  it('reads received and sent bytes per interface from /proc/net/dev', () => {
    const links = parseNetDev(read('before/proc/net/dev'));
    expect(links.map((link) => link.name)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    expect(links.find((link) => link.name === 'eth0')).toEqual({ name: 'eth0', rxBytes: 363028821, txBytes: 824183 });
  });

  it('reads seconds since boot from /proc/uptime', () => {
    expect(parseUptime(read('before/proc/uptime'))).toBe(977.47);
  });

  it('finds the page size and clock ticks in the recorded auxv', () => {
    const auxv = fs.readFileSync(path.join(recorded, 'before/proc/self/auxv'));
    expect(parseAuxv(auxv, 8)).toEqual({ pageSize: 4096, clockTicks: 100 });
    expect(parseAuxv(Buffer.alloc(0), 8)).toEqual({ pageSize: 4096, clockTicks: 100 });
  });
});
