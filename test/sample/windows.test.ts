import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../src/model/point.js';
import { createSystemSampler } from '../../src/sample/index.js';

// The measured case: two workers burn for 6 s, then sleep for 6 s. The job prints its own CPU seconds (getrusage of
// itself and of the children it waited for); the reports' job/cpu_percent times their windows must add up to it.
const twoWorkers = `
import os, resource, time, json
def burn(seconds):
    end = time.monotonic() + seconds
    x = 0.0
    while time.monotonic() < end:
        x += 1.0
children = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        burn(6.0)
        time.sleep(6.0)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"cpu_seconds": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}), flush=True)
`;

/** Runs the job under a sampler that reports every `reportMs`, as the agent does; resolves with the reports and what the job said. */
async function runSampled(code: string, reportMs: number, consumerCallsEveryMs?: number) {
  const startTime = Date.now();
  const child = spawn('/usr/bin/python3', ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const reports: SeriesPoint[][] = [];
  const sampler = createSystemSampler({
    rootPid: child.pid ?? 0,
    gpu: false,
    sampleIntervalMs: 1000,
    reportIntervalMs: reportMs,
    onReport: (p) => reports.push(p),
  });
  sampler.start(startTime);
  const calls: { time: number; values: Record<string, number> }[] = [];
  const caller =
    consumerCallsEveryMs === undefined
      ? undefined
      : setInterval(() => void sampler.sinceLastCall('python:1').then((values) => calls.push({ time: Date.now(), values })), consumerCallsEveryMs);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  await once(child, 'exit');
  const endTime = Date.now();
  clearInterval(caller);
  if (consumerCallsEveryMs !== undefined) calls.push({ time: endTime, values: await sampler.sinceLastCall('python:1') });
  await sampler.finish(endTime);
  const said = JSON.parse(output) as { cpu_seconds: number };
  return { startTime, endTime, reports, calls, cpuSeconds: said.cpu_seconds };
}

const cpuOf = (points: SeriesPoint[]) => points.find((p) => p.series.name === 'job/cpu_percent')?.value ?? 0;

describe('windows that add up', () => {
  it('sums job/cpu_percent x window over the reports to the CPU seconds the job measured of itself, within 2%', async () => {
    const { startTime, endTime, reports, cpuSeconds } = await runSampled(twoWorkers, 5000);
    expect(cpuSeconds).toBeGreaterThan(1);
    // Each report is stamped with its window's end; the first window starts at the job's start, the last ends at its exit.
    const ends = reports.map((points) => points[0]?.time ?? 0);
    for (const points of reports) expect(new Set(points.map((p) => p.time)).size).toBe(1);
    expect(ends.at(-1)).toBe(endTime);
    expect([...ends].sort((a, b) => a - b)).toEqual(ends);
    let summed = 0;
    reports.forEach((points, i) => {
      const windowSeconds = ((ends[i] ?? 0) - (i === 0 ? startTime : (ends[i - 1] ?? 0))) / 1000;
      summed += (cpuOf(points) / 100) * windowSeconds;
    });
    expect(Math.abs(summed - cpuSeconds) / cpuSeconds).toBeLessThan(0.02);
    // The two halves: the burning windows carry the CPU, the sleeping ones next to none.
    const last = reports.at(-1) ?? [];
    expect(cpuOf(last)).toBeLessThan(10);
  }, 40_000);

  it("adds up the same for a sinceLastCall() consumer's windows, which change nothing in the reports", async () => {
    const { startTime, reports, calls, cpuSeconds } = await runSampled(twoWorkers, 5000, 2000);
    let summed = 0;
    calls.forEach((call, i) => {
      const windowSeconds = (call.time - (i === 0 ? startTime : (calls[i - 1]?.time ?? 0))) / 1000;
      summed += ((call.values['job/cpu_percent'] ?? 0) / 100) * windowSeconds;
    });
    // The calls' own timestamps are taken a moment after their windows close: 3% here, where the reports are held to 2%.
    expect(Math.abs(summed - cpuSeconds) / cpuSeconds).toBeLessThan(0.03);
    expect(calls.length).toBeGreaterThan(4);
    const ends = reports.map((points) => points[0]?.time ?? 0);
    let reported = 0;
    reports.forEach((points, i) => {
      reported += (cpuOf(points) / 100) * (((ends[i] ?? 0) - (i === 0 ? startTime : (ends[i - 1] ?? 0))) / 1000);
    });
    expect(Math.abs(reported - cpuSeconds) / cpuSeconds).toBeLessThan(0.02);
  }, 40_000);
});
