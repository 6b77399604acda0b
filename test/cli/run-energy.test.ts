// The energy of a run, recorded with it: a stand-in libnvidia-ml (test/sample/fake-nvml, its energy counter grows
// at 696.827 W) named by RUNMETER_NVML_LIBRARY, under a job that prints its steps.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsDir, root, runCli, showJson, tempHome } from '../helpers/cli.js';
import { hasPython, python } from '../python/helpers.js';

const compiler = ['cc', 'gcc'].find((cc) => spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0);

describe.skipIf(compiler === undefined || process.platform !== 'linux')('the energy of a run (skipped: no C compiler for the stand-in NVML)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-energy-'));
    execFileSync(compiler as string, [
      '-shared',
      '-fPIC',
      '-o',
      path.join(dir, 'libnvidia-ml.so.1'),
      path.join(root, 'test', 'sample', 'fake-nvml', 'fake-nvml.c'),
    ]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records joules, kWh, joules per step and CO2e at the grid intensity the user set, and show prints them', async () => {
    const home = tempHome();
    const env = { RUNMETER_NVML_LIBRARY: path.join(dir, 'libnvidia-ml.so.1'), RUNMETER_GRID_INTENSITY: '100' };
    const result = await runCli(['run', '--sample-interval', '0.2', '--', process.execPath, path.join(jobsDir, 'paced-metrics.mjs'), '40', '2'], { home, env });
    expect(result.code, result.stderr.toString()).toBe(0);
    const { run } = await showJson(home);
    const energy = run.energy as {
      joules: number;
      kwh: number;
      joulesPerStep: number;
      co2eGrams: number;
      estimatedJoules: number;
      bySource: Array<{ source: string; joules: number; estimated: boolean }>;
      gridIntensity: { gramsPerKwh: number; source: string };
    };
    const gpu = energy.bySource.find((use) => use.source === 'gpu/0');
    expect(gpu?.estimated).toBe(false);
    // Counted from the counter, read at the first reading and at the job's exit: 696.827 W over at most the run's time.
    expect(gpu?.joules).toBeGreaterThan(0);
    expect(gpu?.joules).toBeLessThanOrEqual(0.696827 * (run.durationMs as number) * 1.001);
    expect(energy.joules).toBeCloseTo(
      energy.bySource.reduce((sum, use) => sum + use.joules, 0),
      6,
    );
    expect(energy.kwh).toBeCloseTo(energy.joules / 3_600_000, 12);
    expect(energy.joulesPerStep).toBeCloseTo(energy.joules / 40, 9);
    expect(energy.gridIntensity).toEqual({ gramsPerKwh: 100, source: 'RUNMETER_GRID_INTENSITY' });
    expect(energy.co2eGrams).toBeCloseTo(energy.kwh * 100, 12);
    const shown = await runCli(['show', 'last'], { home });
    expect(shown.stdout.toString()).toMatch(
      /^energy {4}[\d.e-]+ kWh \([\d.]+ [kMG]?J, [\d.]+ [kMG]?J per step.*\), [\d.e-]+ g CO2e at 100 g\/kWh \(RUNMETER_GRID_INTENSITY\)$/m,
    );
  });

  it('says when RUNMETER_GRID_INTENSITY is not a number, and uses the world average', async () => {
    const home = tempHome();
    const result = await runCli(['run', '--', process.execPath, '-e', 'setTimeout(() => {}, 1200)'], {
      home,
      env: { RUNMETER_NVML_LIBRARY: path.join(dir, 'libnvidia-ml.so.1'), RUNMETER_GRID_INTENSITY: 'green' },
    });
    expect(result.stderr.toString()).toContain(
      "RUNMETER_GRID_INTENSITY: expected grams of CO2e per kWh (a number, 0 or more, e.g. 475), got 'green'; using the world average",
    );
    const { run } = await showJson(home);
    expect((run.energy as { gridIntensity: unknown }).gridIntensity).toEqual({ gramsPerKwh: 475, source: 'world average' });
  });

  it.skipIf(!hasPython)('a Python client beside the agent: GPM is read once, by the agent, with no warning; log_system_metrics has the rest', async () => {
    // One GPU serves GPM to one client: on an H200 the client's sampler was refused ("In use by another client") and said so.
    const home = tempHome();
    const job = 'import time, runmeter\ntime.sleep(1.5)\nrunmeter.log_system_metrics(step=1)\nrunmeter.end_run()\n';
    const result = await runCli(['run', '--interval', '0.5', '--sample-interval', '0.2', '--', python, '-c', job], {
      home,
      env: { RUNMETER_NVML_LIBRARY: path.join(dir, 'libnvidia-ml.so.1') },
    });
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(result.stderr.toString()).not.toContain('GPM');
    const series = (await showJson(home)).series as Array<{ name: string; context?: string; count: number; last: number }>;
    const named = (name: string, context?: string) => series.find((s) => s.name === name && (context === undefined || s.context === context));
    expect(named('gpu/0/sm_active_percent')?.last).toBeCloseTo(96.38107445069689, 9);
    expect(named('gpu/0/power_watts', 'training')?.count).toBe(1);
    expect(series.filter((s) => s.context === 'training' && s.name.includes('sm_active'))).toEqual([]);
  });
});
