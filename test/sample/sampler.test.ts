import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../src/model/point.js';
import { kindFromName } from '../../src/model/series.js';
import { createSystemSampler } from '../../src/sample/index.js';
import type { SystemSampler } from '../../src/sample/types.js';

// Real jobs on this machine, measured by the sampler and compared with what they measure of themselves.
const children: ChildProcess[] = [];
const samplers: SystemSampler[] = [];
afterEach(async () => {
  for (const sampler of samplers.splice(0)) await sampler.stop();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** What a test job says of itself when it ends. */
interface JobResult {
  cpuPercent: number;
  held: number;
}

/** Starts a node program; resolves once it printed its first line ("ready"), with what it prints at the end. */
async function startJob(code: string): Promise<{ pid: number; result: Promise<JobResult> }> {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  while (!output.includes('\n')) await once(child.stdout ?? child, 'data');
  const result = once(child, 'exit').then(() => JSON.parse(output.split('\n')[1] || '{}') as JobResult);
  return { pid: child.pid ?? 0, result };
}

function sampler(options: Parameters<typeof createSystemSampler>[0] = {}): SystemSampler {
  const created = createSystemSampler({ gpu: false, ...options });
  samplers.push(created);
  return created;
}

const pointValue = (points: SeriesPoint[], name: string) => points.find((p) => p.series.name === name && p.series.device === undefined)?.value;

/** Starts a sampler on a job at `startTime` and collects its reports until finish(). */
function reportsOf(options: Parameters<typeof createSystemSampler>[0], startTime = Date.now()) {
  const reports: SeriesPoint[][] = [];
  const meter = sampler({ ...options, onReport: (points) => reports.push(points) });
  meter.start(startTime);
  return { meter, reports };
}

// A burn loop that reports its own CPU use (process.cpuUsage) over its own wall time, as a percentage.
const burn = (ms: number) => `
const start = Date.now(), cpu = process.cpuUsage(); let x = 0;
while (Date.now() - start < ${ms}) x += Math.sqrt(x + 1);
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ cpuPercent: ((used.user + used.system) / 1000 / (Date.now() - start)) * 100 }));`;

// A job that forks 4 workers burning 3 s each; it reports the sum of what the workers measured of themselves.
const fourBusyWorkers = `
const { spawn } = require('node:child_process');
const workers = [1, 2, 3, 4].map(() => spawn(process.execPath, ['-e', ${JSON.stringify(burn(3000))}], { stdio: ['ignore', 'pipe', 'ignore'] }));
const results = workers.map((w) => new Promise((done) => { let out = ''; w.stdout.on('data', (d) => (out += d)); w.on('exit', () => done(JSON.parse(out).cpuPercent)); }));
console.log('ready');
Promise.all(results).then((each) => console.log(JSON.stringify({ cpuPercent: each.reduce((a, b) => a + b, 0) })));`;

describe('the job series on real processes', () => {
  it('reads a child that burns one core for 3 s at what it measures of itself, and at 100 ± 10 when it had a core to itself', async (context) => {
    const job = await startJob(`console.log('ready'); ${burn(3000)}`);
    const meter = sampler({ rootPid: job.pid, sampleIntervalMs: 500 });
    meter.start();
    const { cpuPercent } = await job.result;
    const record = await meter.sinceLastCall();
    const points = Object.entries(record).map(([name, value]) => ({ series: { name, kind: kindFromName(name) }, time: 0, value }));
    // Other work on this shared 2-core machine can take much of the core (the child got 25% once, under a load of 8): the reading is held to what the child measured of itself, within 25 points (the sampler's windows and the child's lifetime do not line up exactly).
    expect(cpuPercent).toBeGreaterThan(5);
    expect(pointValue(points, 'job/cpu_percent')).toBeGreaterThan(cpuPercent - 25);
    expect(pointValue(points, 'job/cpu_percent')).toBeLessThan(Math.min(cpuPercent + 25, 110));
    expect(pointValue(points, 'job/cpu_percent_max')).toBeGreaterThanOrEqual(pointValue(points, 'job/cpu_percent') ?? Number.NaN);
    expect(pointValue(points, 'job/processes')).toBe(1);
    // Only a child that had a core to itself burned one: on a busy machine "near 100" says nothing about the sampler.
    // The sampler's window also runs past the child's exit (until the job reports): a child at 91% read 89.8 in CI.
    context.skip(cpuPercent < 97, `the child got ${cpuPercent.toFixed(0)}% of a core: other work holds this machine's ${os.availableParallelism()} cores`);
    expect(pointValue(points, 'job/cpu_percent')).toBeGreaterThan(90);
    expect(pointValue(points, 'job/cpu_percent')).toBeLessThan(110);
  });

  it('reads a child holding 500 MB at about 500 MB of job/memory_rss_bytes', async () => {
    const job = await startJob(`const held = Buffer.alloc(500e6, 1); console.log('ready');
      console.log(JSON.stringify({ rss: process.memoryUsage().rss, held: held.length })); setTimeout(() => {}, 1000);`);
    const meter = sampler({ rootPid: job.pid });
    meter.start();
    const call = await meter.sinceLastCall();
    const rss = call['job/memory_rss_bytes'] ?? 0;
    expect(rss).toBeGreaterThan(500e6);
    expect(rss).toBeLessThan(620e6);
    expect(call['job/memory_percent']).toBeCloseTo((rss / os.totalmem()) * 100, 0);
    expect(rss).toBeGreaterThan((await job.result).held);
  });

  it('reads a job forking 4 busy workers as 5 processes, at what the workers measure of themselves (about 200 on 2 idle cores)', async () => {
    const job = await startJob(fourBusyWorkers);
    const meter = sampler({ rootPid: job.pid, sampleIntervalMs: 500 });
    meter.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const processes = (await meter.sinceLastCall())['job/processes'];
    const { cpuPercent } = await job.result;
    const measured = (await meter.sinceLastCall())['job/cpu_percent'] ?? 0;
    // 4 busy workers would read 400 on 4 free cores. This machine has 2, shared with other work: the workers get at most 200
    // between them, and less when others are busy, so the reading is held to what they measured of themselves.
    expect(processes).toBe(5);
    expect(measured).toBeGreaterThan(cpuPercent - 25);
    expect(measured).toBeLessThan(cpuPercent + 25);
    expect(measured).toBeLessThanOrEqual(os.cpus().length * 100 + 10);
  });

  // 4 busy workers read 400 only where 4 cores are free for them; on fewer cores they share what there is (the test above).
  it.skipIf(os.availableParallelism() < 4)(
    'reads a job forking 4 busy workers near 400 job/cpu_percent (needs 4 cores: skipped on machines with fewer)',
    async (context) => {
      const job = await startJob(fourBusyWorkers);
      const meter = sampler({ rootPid: job.pid, sampleIntervalMs: 500 });
      meter.start();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // The first second holds the workers' start-up: measure the two seconds after it, while all four burn.
      await meter.sinceLastCall();
      const { cpuPercent } = await job.result;
      const measured = (await meter.sinceLastCall())['job/cpu_percent'] ?? 0;
      context.skip(cpuPercent < 360, `the workers got ${cpuPercent.toFixed(0)} of 400 between them: other work holds the cores`);
      expect(measured).toBeGreaterThan(360);
      expect(measured).toBeLessThan(440);
    },
  );

  it('counts children that start and exit between two readings (their CPU reaches the parent when it reaps them)', async () => {
    const job = await startJob(`
      const { spawnSync } = require('node:child_process');
      console.log('ready');
      const start = Date.now(), own = process.cpuUsage();
      while (Date.now() - start < 3000) spawnSync(process.execPath, ['-e', ${JSON.stringify(burn(250))}]);
      // The kernel's own count of the reaped children's CPU (cutime + cstime, in 1/100 s), plus this process's.
      const stat = require('node:fs').readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
      const childrenMs = (Number(stat[13]) + Number(stat[14])) * 10, used = process.cpuUsage(own);
      console.log(JSON.stringify({ cpuPercent: ((childrenMs + (used.user + used.system) / 1000) / (Date.now() - start)) * 100 }));`);
    const meter = sampler({ rootPid: job.pid, sampleIntervalMs: 1000 });
    meter.start();
    const { cpuPercent } = await job.result;
    const measured = (await meter.sinceLastCall())['job/cpu_percent'] ?? 0;
    // Each child lives about 300 ms, so most are born and gone between two readings a second apart.
    expect(cpuPercent).toBeGreaterThan(5);
    expect(measured).toBeGreaterThan(cpuPercent - 15);
    expect(measured).toBeLessThan(cpuPercent + 15);
  });
});

describe('reports', () => {
  it('reports by itself: first after one reading, then every interval, each stamped with its end, with units and kinds', async () => {
    const job = await startJob(`console.log('ready'); setTimeout(() => {}, 5000);`);
    const startTime = Date.now();
    const { meter, reports } = reportsOf({ rootPid: job.pid, diskPaths: [process.cwd()], sampleIntervalMs: 200, reportIntervalMs: 600 }, startTime);
    await new Promise((resolve) => setTimeout(resolve, 1400));
    const endTime = Date.now();
    await meter.finish(endTime);
    const ends = reports.map((points) => points[0]?.time ?? 0);
    // A report after the first reading (200 ms), then at 600 and 1200 ms from the start, and the last at the end.
    expect(ends.length).toBe(4);
    expect((ends[0] ?? 0) - startTime).toBeGreaterThanOrEqual(190);
    expect((ends[1] ?? 0) - startTime).toBeGreaterThanOrEqual(590);
    expect(ends[3]).toBe(endTime);
    const first = reports[0] ?? [];
    expect(first.map((p) => p.series.name)).toEqual(
      expect.arrayContaining([
        'system/cpu_percent',
        'system/cpu_percent_max',
        'system/memory_percent',
        'system/memory_used_bytes',
        'system/disk_percent',
        'system/disk_used_bytes',
        'job/cpu_percent',
        'job/memory_rss_bytes',
        'job/processes',
        'job/threads',
      ]),
    );
    const series = (name: string) => first.find((p) => p.series.name === name)?.series;
    expect(series('job/threads')).toEqual({ name: 'job/threads', kind: 'job' });
    expect(series('system/disk_percent')).toEqual({ name: 'system/disk_percent', kind: 'system', unit: '%' });
    expect(series('job/memory_rss_bytes')?.unit).toBe('B');
    expect(pointValue(first, 'system/memory_percent')).toBeLessThanOrEqual(100);
  });

  it("gives the last window, up to the job's exit, the job's CPU to its end and its last memory", async () => {
    const job = await startJob(`console.log('ready'); ${burn(700)}`);
    const { meter, reports } = reportsOf({ rootPid: job.pid, sampleIntervalMs: 5000, reportIntervalMs: 5000 });
    const { cpuPercent } = await job.result;
    const endTime = Date.now();
    await meter.finish(endTime);
    // No timer reading came (5 s intervals): the one report is the last window, from the start to the exit.
    expect(reports).toHaveLength(1);
    const last = reports[0] ?? [];
    expect(last.every((p) => p.time === endTime)).toBe(true);
    expect(pointValue(last, 'job/memory_rss_bytes')).toBeGreaterThan(10e6);
    expect(pointValue(last, 'job/processes')).toBe(1);
    // The child's burn, read through this process's cutime once it was reaped: about what it measured of itself.
    expect(pointValue(last, 'job/cpu_percent')).toBeGreaterThan(cpuPercent * 0.4);
  });

  it('keeps each sinceLastCall() consumer apart from the others and from the reports', async () => {
    const { meter, reports } = reportsOf({ rootPid: process.pid, sampleIntervalMs: 100, reportIntervalMs: 100 });
    const first = await meter.sinceLastCall('node');
    expect(first['job/processes']).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const python = await meter.sinceLastCall('python:42');
    const node = await meter.sinceLastCall('node');
    expect(python['system/memory_percent']).toBeGreaterThan(0);
    expect(node['job/memory_rss_bytes']).toBeGreaterThan(0);
    expect(reports.length).toBeGreaterThanOrEqual(2);
    // A consumer's first window starts with the sampler, whenever it first calls: it holds the first reading's CPU too.
    expect(python['job/cpu_percent_max']).toBeGreaterThanOrEqual(python['job/cpu_percent'] ?? Number.NaN);
  });

  it('labels extra disks with their path, and keys them so in sinceLastCall()', async () => {
    const meter = sampler({ diskPaths: [process.cwd(), '/dev/shm'] });
    meter.start();
    const record = await meter.sinceLastCall();
    expect(record['system/disk_percent']).toBeGreaterThanOrEqual(0);
    if (process.platform === 'linux') expect(record['system/disk_percent (/dev/shm)']).toBeGreaterThanOrEqual(0);
  });

  it('still serves the report(time) calls of an agent that makes its own reports', async () => {
    const job = await startJob(`console.log('ready'); setTimeout(() => {}, 5000);`);
    const meter = sampler();
    meter.start();
    expect(pointValue(meter.report(1), 'job/processes')).toBeUndefined();
    meter.setRootPid(job.pid);
    await meter.sampleNow();
    const points = meter.report(2);
    expect(pointValue(points, 'job/processes')).toBe(1);
    expect(points.every((p) => p.time === 2)).toBe(true);
  });
});

describe('where sources are missing', () => {
  it('records no GPU series and warns of nothing on a machine without a GPU', async () => {
    const warnings: string[] = [];
    const meter = createSystemSampler({ rootPid: process.pid, warn: (m) => warnings.push(m) });
    samplers.push(meter);
    meter.start();
    const names = Object.keys(await meter.sinceLastCall());
    expect(names.filter((name) => name.startsWith('gpu/') || name === 'job/gpu_memory_bytes')).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('without /proc (macOS, Windows) records the machine from os, no job series, and says so once', async () => {
    const warnings: string[] = [];
    const meter = sampler({ rootPid: process.pid, procDir: path.join(os.tmpdir(), 'no-such-proc'), warn: (m) => warnings.push(m) });
    meter.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const names = Object.keys(await meter.sinceLastCall());
    expect(names).toEqual(expect.arrayContaining(['system/cpu_percent', 'system/memory_percent', 'system/disk_percent']));
    expect(names.some((n) => n.startsWith('job/'))).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("the job's own processes");
  });

  it('warns once about a disk path that does not exist, and records the others', async () => {
    const warnings: string[] = [];
    const meter = sampler({ diskPaths: [process.cwd(), '/no/such/dir'], warn: (m) => warnings.push(m) });
    meter.start();
    await meter.sinceLastCall();
    expect((await meter.sinceLastCall())['system/disk_percent']).toBeGreaterThan(0);
    expect(warnings).toEqual([expect.stringContaining('/no/such/dir')]);
  });
});
