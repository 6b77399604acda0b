import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { physicalDiskNames, physicalInterfaceNames } from '../../src/sample/procfs/devices.js';
import { JobTreeProbe } from '../../src/sample/procfs/job-tree.js';
import { LinuxMachineProbe } from '../../src/sample/procfs/machine.js';
import type { SampleValue } from '../../src/sample/reading.js';

// Two snapshots of a job on the team's VM (see test/fixtures/proc/README.md); /proc/uptime says they are 1.47 s apart.
const recorded = path.join(import.meta.dirname, '../fixtures/proc/job-tree');
const rootPid = Number(fs.readFileSync(path.join(recorded, 'root_pid'), 'utf8'));
const apartMs = 1470;

let dir: string;
let procDir: string;
let sysDir: string;
/** Points the probes' /proc and /sys at one snapshot, the way time moves on under a real probe. */
function use(snapshot: 'before' | 'after') {
  for (const [link, name] of [
    [procDir, 'proc'],
    [sysDir, 'sys'],
  ] as const) {
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.join(recorded, snapshot, name), link);
  }
}
const byName = (values: SampleValue[]) => Object.fromEntries(values.map((v) => [v.name, v.value]));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-procfs-'));
  procDir = path.join(dir, 'proc');
  sysDir = path.join(dir, 'sys');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('LinuxMachineProbe', () => {
  it('gives memory at once, and CPU, disk and network rates from the change between two readings', () => {
    const warnings: string[] = [];
    const probe = new LinuxMachineProbe({ procDir, sysDir }, (_key, message) => warnings.push(message));
    use('before');
    const first = byName(probe.read(0));
    expect(Object.keys(first).sort()).toEqual(['system/memory_percent', 'system/memory_used_bytes']);
    expect(first['system/memory_used_bytes']).toBe((24683656 - 23966036) * 1024);

    use('after');
    const second = byName(probe.read(apartMs));
    // cpu line: busy 36086 -> 36366 ticks, total 195089 -> 195378.
    expect(second['system/cpu_percent']).toBeCloseTo((280 / 289) * 100, 6);
    expect(second['system/memory_percent']).toBeCloseTo(((24683656 - 23928532) / 24683656) * 100, 6);
    // Only vda counts: loop* and zram0 have no device link, so their IO (none here) is left out.
    expect(second['system/disk_write_bytes_per_s']).toBeCloseTo(((6328576 - 6228608) * 512) / 1.47, 3);
    expect(second['system/disk_read_bytes_per_s']).toBe(0);
    expect(second['system/network_rx_bytes_per_s']).toBe(0);
    expect(probe.memoryTotalBytes).toBe(24683656 * 1024);
    expect(warnings).toEqual([]);
  });

  it('measures rates over whatever time passed since the last reading, however short', () => {
    const probe = new LinuxMachineProbe({ procDir, sysDir }, () => {});
    use('before');
    probe.read(0);
    use('after');
    // The sampler weighs each reading by the time it covers, so a short one carries little weight rather than none.
    expect(byName(probe.read(50))['system/disk_write_bytes_per_s']).toBeCloseTo(((6328576 - 6228608) * 512) / 0.05, 3);
    expect(byName(probe.read(apartMs))['system/disk_write_bytes_per_s']).toBe(0);
  });

  it('warns once and goes on when a file is missing', () => {
    const warnings: string[] = [];
    fs.mkdirSync(procDir);
    const probe = new LinuxMachineProbe({ procDir, sysDir }, (_key, message) => warnings.push(message));
    expect(probe.read(0)).toEqual([]);
    expect(warnings.join('\n')).toContain('meminfo');
  });
});

describe('physicalDiskNames', () => {
  it('keeps the disks with a device link in sysfs and leaves out loop and zram devices', () => {
    expect([...physicalDiskNames(path.join(recorded, 'before/sys'), [])]).toEqual(['vda']);
  });

  it('falls back to whole-disk names, without partitions or stacked devices, when sysfs cannot be read', () => {
    const names = ['sda', 'sda1', 'nvme0n1', 'nvme0n1p2', 'dm-0', 'md0', 'loop3', 'vdb', 'mmcblk0', 'mmcblk0p1'];
    expect([...physicalDiskNames(path.join(dir, 'missing'), names)]).toEqual(['sda', 'nvme0n1', 'vdb', 'mmcblk0']);
  });
});

describe('physicalInterfaceNames', () => {
  it('counts NICs only, not the bridges, veth pairs and ifb devices that carry the same packets again', () => {
    for (const name of ['eth0', 'ifb0', 'docker0', 'veth1a2b', 'lo']) fs.mkdirSync(path.join(dir, 'class/net', name), { recursive: true });
    fs.mkdirSync(path.join(dir, 'class/net/eth0/device'));
    expect([...physicalInterfaceNames(dir, ['lo', 'eth0', 'ifb0', 'docker0', 'veth1a2b'])]).toEqual(['eth0']);
  });

  it('counts all but lo where no interface has a device, as inside a container (its eth0 is a veth)', () => {
    expect([...physicalInterfaceNames(path.join(dir, 'missing'), ['lo', 'eth0', 'ifb0'])]).toEqual(['eth0', 'ifb0']);
  });
});

describe('JobTreeProbe', () => {
  it('finds the root, its children and grandchildren by ppid, and sums their memory, processes and threads', () => {
    const probe = new JobTreeProbe(procDir, { pageSize: 4096, clockTicks: 100 });
    use('before');
    probe.setRoot(rootPid, 0, 0);
    const { values, pids } = probe.read(0, 24683656 * 1024);
    // bash (root), node (busy), sleep, the subshell bash, and its sleep; not pid 1, 2 or the capturing shell (the root's parent).
    expect(pids.sort((a, b) => a - b)).toEqual([rootPid, rootPid + 1, rootPid + 3, rootPid + 4, rootPid + 6]);
    const rssBytes = (742 + 11570 + 392 + 299 + 414) * 4096;
    expect(byName(values)).toEqual({
      'job/memory_rss_bytes': rssBytes,
      'job/memory_percent': (rssBytes / (24683656 * 1024)) * 100,
      'job/processes': 5,
      'job/threads': 1 + 7 + 1 + 1 + 1,
    });
  });

  it("counts the tree's CPU between readings, including a child that ran and exited in between (through its parent's cutime)", () => {
    const probe = new JobTreeProbe(procDir, { pageSize: 4096, clockTicks: 100 });
    use('before');
    probe.setRoot(rootPid, 0, 0);
    probe.read(0, undefined);
    use('after');
    const values = byName(probe.read(apartMs, undefined).values);
    // node: utime+stime 42 -> 141 ticks; bash's cutime 0 -> 42 (the short node child); the sleeps: nothing.
    expect(values['job/cpu_percent']).toBeCloseTo(((99 + 42) / 100 / 1.47) * 100, 6);
  });

  it('does not take off the CPU of a process that left the tree alive (adopted by init when its parent exited)', () => {
    // Hand-written stat lines: root 100 -> middle 101 -> worker 102. Then 101 exits (root reaps it: cutime 0 -> 6 ticks, 5 of
    // them counted before) and init adopts 102, which runs on outside the job.
    const stat = (pid: number, ppid: number, utime: number, cutime: number) =>
      `${pid} (p${pid}) S ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 ${utime} 0 ${cutime} 0 20 0 1 0 ${pid} 1000 10`;
    const write = (processes: [number, number, number, number][], uptime: string) => {
      fs.rmSync(procDir, { recursive: true, force: true });
      for (const [pid, ppid, utime, cutime] of processes) {
        fs.mkdirSync(path.join(procDir, String(pid)), { recursive: true });
        fs.writeFileSync(path.join(procDir, String(pid), 'stat'), stat(pid, ppid, utime, cutime));
      }
      fs.writeFileSync(path.join(procDir, 'uptime'), uptime);
    };
    const probe = new JobTreeProbe(procDir, { pageSize: 4096, clockTicks: 100 });
    probe.setRoot(100, 0, 0);
    write(
      [
        [100, 1, 10, 0],
        [101, 100, 5, 0],
        [102, 101, 20, 0],
      ],
      '10.00 0',
    );
    expect(probe.read(0, undefined).pids).toHaveLength(3);
    write(
      [
        [100, 1, 10, 6],
        [102, 1, 50, 0],
      ],
      '11.00 0',
    );
    const { values, pids } = probe.read(1000, undefined);
    expect(pids).toEqual([100]);
    // 1 tick in 1 s: the middle process's last tick, arriving through the root's cutime.
    expect(byName(values)['job/cpu_percent']).toBeCloseTo(1, 9);
  });

  it('gives no values once the root has exited, and none without a root', () => {
    const probe = new JobTreeProbe(procDir, { pageSize: 4096, clockTicks: 100 });
    use('before');
    expect(probe.read(0, undefined)).toEqual({ values: [], pids: [] });
    probe.setRoot(999_999, 0, 0);
    expect(probe.read(0, undefined)).toEqual({ values: [], pids: [] });
  });

  it('gives a zombie root (exited, not yet reaped) its final CPU and, once, its last memory; then nothing', () => {
    const write = (rootState: string) => {
      fs.rmSync(procDir, { recursive: true, force: true });
      for (const [pid, ppid, state] of [
        [100, 1, rootState],
        [101, 100, 'Z'],
      ] as const) {
        fs.mkdirSync(path.join(procDir, String(pid)), { recursive: true });
        fs.writeFileSync(
          path.join(procDir, String(pid), 'stat'),
          `${pid} (p${pid}) ${state} ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 10 0 0 0 20 0 1 0 ${pid} 1000 10`,
        );
      }
      fs.writeFileSync(path.join(procDir, 'uptime'), '10.00 0');
    };
    const probe = new JobTreeProbe(procDir, { pageSize: 4096, clockTicks: 100 });
    probe.setRoot(100, 0, 0);
    write('S');
    expect(byName(probe.read(0, undefined).values)).toMatchObject({ 'job/processes': 1, 'job/memory_rss_bytes': 20 * 4096 });
    // Its exit has happened: a reading now would show the job with no processes and no memory, dragging the means down;
    // its last reading's memory stands for the time up to its exit instead, and its CPU (10 ticks, unchanged) is 0 since.
    write('Z');
    expect(probe.read(1000, undefined)).toEqual({
      values: [
        { name: 'job/cpu_percent', value: 0 },
        { name: 'job/memory_rss_bytes', value: 20 * 4096 },
        { name: 'job/processes', value: 1 },
        { name: 'job/threads', value: 1 },
      ],
      pids: [],
    });
    expect(probe.read(2000, undefined).values).toEqual([{ name: 'job/cpu_percent', value: 0 }]);
    fs.rmSync(path.join(procDir, '100'), { recursive: true });
    expect(probe.read(3000, undefined).values).toEqual([{ name: 'job/cpu_percent', value: 0 }]);
    expect(probe.read(4000, undefined)).toEqual({ values: [], pids: [] });
  });

  it('lists /proc only when a pid was handed out since the last reading (the end of /proc/loadavg), and still sees exits between', () => {
    const write = (processes: [pid: number, ppid: number, utime: number, cutime: number][], lastPid: number) => {
      fs.rmSync(procDir, { recursive: true, force: true });
      for (const [pid, ppid, utime, cutime] of processes) {
        fs.mkdirSync(path.join(procDir, String(pid)), { recursive: true });
        fs.writeFileSync(
          path.join(procDir, String(pid), 'stat'),
          `${pid} (p${pid}) S ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 ${utime} 0 ${cutime} 0 20 0 1 0 ${pid} 1000 10`,
        );
      }
      fs.writeFileSync(path.join(procDir, 'uptime'), '10.00 0');
      fs.writeFileSync(path.join(procDir, 'loadavg'), `0.10 0.20 0.30 1/123 ${lastPid}\n`);
    };
    const probe = new JobTreeProbe(procDir, { pageSize: 4096, clockTicks: 100 });
    probe.setRoot(100, 0, 0);
    write(
      [
        [100, 1, 10, 0],
        [101, 100, 10, 0],
        [102, 101, 10, 0],
      ],
      102,
    );
    expect(probe.read(0, undefined).pids.sort()).toEqual([100, 101, 102]);
    // No pid handed out: the tree's own files are read again, /proc is not listed (103 is a stand-in for what it would find).
    // 101 used 100 ticks; 102 exited and 101 reaped it (its 10 ticks, counted before, now in 101's cutime): 100 ticks in 1 s.
    write(
      [
        [100, 1, 10, 0],
        [101, 100, 110, 10],
        [103, 101, 0, 0],
      ],
      102,
    );
    const quiet = probe.read(1000, undefined);
    expect(quiet.pids.sort()).toEqual([100, 101]);
    expect(byName(quiet.values)['job/cpu_percent']).toBeCloseTo(100, 9);
    // A pid handed out since: /proc is listed and the new process found.
    write(
      [
        [100, 1, 10, 0],
        [101, 100, 110, 10],
        [103, 101, 0, 0],
      ],
      103,
    );
    expect(probe.read(2000, undefined).pids.sort()).toEqual([100, 101, 103]);
    // A stand-in /proc/loadavg (a sandbox's zeros) tells nothing: /proc is listed at every reading.
    write(
      [
        [100, 1, 10, 0],
        [104, 100, 0, 0],
      ],
      0,
    );
    expect(probe.read(3000, undefined).pids.sort()).toEqual([100, 104]);
    write(
      [
        [100, 1, 10, 0],
        [104, 100, 0, 0],
        [105, 100, 0, 0],
      ],
      0,
    );
    expect(probe.read(4000, undefined).pids.sort()).toEqual([100, 104, 105]);
  });
});

describe('JobTreeProbe on this machine', () => {
  it('finds a child the job starts between two readings, and misses it no more once it exits', async () => {
    const { spawn } = await import('node:child_process');
    // The root starts a child when told to on stdin, and prints its pid; it ends the child when told again.
    const root = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process'); let child;
         process.stdin.on('data', () => { if (child) { child.kill(); child.on('exit', () => console.log('gone')); } else { child = spawn('sleep', ['30']); console.log(child.pid); } });`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const line = () => new Promise<string>((resolve) => root.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())));
    try {
      const probe = new JobTreeProbe('/proc', { pageSize: 4096, clockTicks: 100 });
      probe.setRoot(root.pid as number, 0, 0);
      expect(probe.read(0, undefined).pids).toEqual([root.pid]);
      expect(probe.read(1, undefined).pids).toEqual([root.pid]);
      const started = line();
      root.stdin.write('\n');
      const child = Number(await started);
      expect(probe.read(2, undefined).pids.sort()).toEqual([root.pid, child].sort());
      expect(probe.read(3, undefined).pids.sort()).toEqual([root.pid, child].sort());
      const gone = line();
      root.stdin.write('\n');
      await gone;
      expect(probe.read(4, undefined).pids).toEqual([root.pid]);
      probe.close();
    } finally {
      root.kill();
    }
  });
});
