import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../../src/model/point.js';
import { type NvmlDeviceResults, nvmlReading } from '../../src/sample/gpu/nvml.js';
import { gpmLayout, gpmMetrics } from '../../src/sample/gpu/nvml-extras.js';
import type { NvmlResult } from '../../src/sample/gpu/nvml-library.js';
import { GpuSeries } from '../../src/sample/gpu/series.js';
import { createSystemSampler, describeMachine } from '../../src/sample/index.js';

// What NVML returned on a real H100 (test/fixtures/real/gpu/nvml_h100.md), read from the recording itself.
const recording = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/real/gpu/nvml_h100.md'), 'utf8');
const [idlePart = '', trainingPart = ''] = recording.split('while a PyTorch process');
function recorded(part: string) {
  const number = (pattern: RegExp) => Number(pattern.exec(part)?.[1]);
  const memory = /\{ total: (\d+), free: (\d+), used: (\d+) \}/.exec(part);
  const utilization = /\{ gpu: (\d+), memory: (\d+) \}/.exec(part);
  const process = /\{ pid: (\d+), usedGpuMemory: (\d+)/.exec(part);
  const results: NvmlDeviceResults = {
    utilization: { ok: true, value: { gpu: Number(utilization?.[1]), memory: Number(utilization?.[2]) } },
    memory: { ok: true, value: { total: Number(memory?.[1]), free: Number(memory?.[2]), used: Number(memory?.[3]) } },
    powerMilliwatts: { ok: true, value: number(/nvmlDeviceGetPowerUsage[^|]*\| (?:0 \| )?(\d+)/) },
    temperatureCelsius: { ok: true, value: number(/nvmlDeviceGetTemperature[^|]*\| (?:0 \| )?(\d+)/) },
    energyMillijoules: { ok: false, code: 3 },
    processes: { ok: true, value: process ? [{ pid: Number(process[1]), usedBytes: Number(process[2]) }] : [] },
  };
  return results;
}

describe('nvmlReading', () => {
  it("maps the idle H100's results to watts, bytes and percent", () => {
    const { reading, failed } = nvmlReading(0, 'GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95', recorded(idlePart));
    expect(reading).toEqual({
      index: 0,
      uuid: 'GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95',
      utilizationPercent: 0,
      memoryUsedBytes: 503316480,
      memoryTotalBytes: 85520809984,
      powerWatts: 74.844,
      temperatureCelsius: 40,
      processes: [],
    });
    expect(failed).toEqual([{ call: 'energyMillijoules', code: 3 }]);
  });

  it("gives the training process's GPU memory to the job that owns pid 405, and nothing to another job", () => {
    const { reading } = nvmlReading(0, undefined, recorded(trainingPart));
    expect(reading).toMatchObject({ utilizationPercent: 100, memoryUsedBytes: 1965883392, powerWatts: 696.827, temperatureCelsius: 58 });
    const byName = (pids: number[]) => Object.fromEntries(new GpuSeries().values([reading], { pids: new Set(pids) }, 1000).map((v) => [v.name, v.value]));
    expect(byName([1, 405])['job/gpu_memory_bytes']).toBe(1453326336);
    expect(byName([1, 406])['job/gpu_memory_bytes']).toBe(0);
    expect(byName([405])['gpu/0/memory_percent']).toBeCloseTo((1965883392 / 85520809984) * 100, 9);
  });

  it("maps the H200's recorded results under load, energy and clock reasons included (nvml_h200.md)", () => {
    const file = path.join(import.meta.dirname, '../fixtures/real/gpu/h200/nvml-load.json');
    const calls = (JSON.parse(fs.readFileSync(file, 'utf8')) as { calls: { call: string; code: number; value: unknown }[] }).calls;
    const result = <T>(call: string) => {
      const found = calls.find((c) => c.call === call);
      return (found?.code === 0 ? { ok: true, value: found.value } : { ok: false, code: found?.code ?? -1 }) as NvmlResult<T>;
    };
    const { reading, failed } = nvmlReading(0, 'GPU-77c20e3c-1e91-5bba-85d3-add51277debd', {
      utilization: result('nvmlDeviceGetUtilizationRates'),
      memory: result('nvmlDeviceGetMemoryInfo'),
      powerMilliwatts: result('nvmlDeviceGetPowerUsage'),
      temperatureCelsius: result('nvmlDeviceGetTemperature'),
      energyMillijoules: result('nvmlDeviceGetTotalEnergyConsumption'),
      processes: result('nvmlDeviceGetComputeRunningProcesses'),
      clocksEventReasons: result('nvmlDeviceGetCurrentClocksEventReasons'),
    });
    expect(failed).toEqual([]);
    expect(reading).toEqual({
      index: 0,
      uuid: 'GPU-77c20e3c-1e91-5bba-85d3-add51277debd',
      utilizationPercent: 100,
      memoryUsedBytes: 1839071232,
      memoryTotalBytes: 150754820096,
      powerWatts: 690.986,
      temperatureCelsius: 61,
      energyCounterJoules: 5048.997,
      processes: [{ pid: 565, usedBytes: 1184890880 }],
      clocksEventReasons: 4,
    });
    // nvidia-smi listed the same pid with the same memory, in MiB.
    const apps = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/real/gpu/h200/compute-apps.csv'), 'utf8').split(', ');
    expect(Number(apps[0])).toBe(565);
    expect(Number(apps[2])).toBe(Math.round(1184890880 / 1048576));
  });

  it("writes GPM's structures in the layout NVIDIA's own binding has (recorded on an H200)", () => {
    const file = path.join(import.meta.dirname, '../fixtures/real/gpu/h200/gpm-ref-load.json');
    const { layout, gpm } = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(gpmLayout).toEqual({
      metricsOffset: layout.offset_metrics,
      metricBytes: layout.sizeof_nvmlGpmMetric_t,
      metricMax: layout.NVML_GPM_METRIC_MAX,
      version: layout.NVML_GPM_METRICS_GET_VERSION,
    });
    expect(gpmMetrics).toEqual({
      smActive: layout.metric_names.NVML_GPM_METRIC_SM_UTIL,
      smOccupancy: layout.metric_names.NVML_GPM_METRIC_SM_OCCUPANCY,
      tensorActive: layout.metric_names.NVML_GPM_METRIC_ANY_TENSOR_UTIL,
      dramBandwidth: layout.metric_names.NVML_GPM_METRIC_DRAM_BW_UTIL,
    });
    // And runmeter's own readings at the same time agree with the binding's to within a point.
    const ours = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/real/gpu/h200/nvml-load.json'), 'utf8')).gpm.at(-1).reading;
    expect(Math.abs(ours.smActivePercent - gpm[0]['2'])).toBeLessThan(1);
    expect(Math.abs(ours.tensorActivePercent - gpm[0]['5'])).toBeLessThan(1);
  });

  it('drops only the fields of a call that failed', () => {
    const results = recorded(trainingPart);
    const { reading, failed } = nvmlReading(3, undefined, { ...results, utilization: { ok: false, code: 3 }, memory: { ok: false, code: 999 } });
    expect(reading).toEqual({ index: 3, powerWatts: 696.827, temperatureCelsius: 58, processes: [{ pid: 405, usedBytes: 1453326336 }] });
    expect(failed.map((f) => f.call)).toEqual(['utilization', 'memory', 'energyMillijoules']);
  });
});

describe('GpuSeries energy', () => {
  it('counts energy from the first reading, and carries on across a counter that went back (driver reload)', () => {
    const series = new GpuSeries();
    const energy = (counter: number) => series.values([{ index: 0, energyCounterJoules: counter }], undefined, 1000)[0]?.value;
    expect(energy(5000)).toBe(0);
    expect(energy(5700)).toBe(700);
    expect(energy(100)).toBe(700);
    expect(energy(400)).toBe(1000);
  });
});

// The koffi bindings themselves, against a stand-in library built from fake-nvml/fake-nvml.c (it replays the recorded values).
const compiler = ['cc', 'gcc', 'clang'].find((cc) => {
  try {
    execFileSync(cc, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(compiler === undefined || process.platform !== 'linux')('NVML through koffi (a stand-in libnvidia-ml)', () => {
  let dir: string;
  let library: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-nvml-'));
    library = path.join(dir, 'libfake-nvml.so');
    execFileSync(compiler ?? 'cc', ['-shared', '-fPIC', '-o', library, path.join(import.meta.dirname, 'fake-nvml/fake-nvml.c')]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records every GPU field, energy since the start, GPM, throttle changes, an Xid, and the GPU memory of the job tree', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    const warnings: string[] = [];
    const reports: SeriesPoint[][] = [];
    // The stand-in reads FAKE_NVML_PID and FAKE_NVML_XID from this process's environment.
    process.env.FAKE_NVML_PID = String(child.pid);
    process.env.FAKE_NVML_XID = '79';
    const sampler = createSystemSampler({
      rootPid: child.pid ?? 0,
      nvmlLibrary: library,
      env: { ...process.env, CUDA_VISIBLE_DEVICES: undefined },
      warn: (m) => warnings.push(m),
      sampleIntervalMs: 150,
      reportIntervalMs: 300,
      onReport: (points) => reports.push(points),
    });
    const energyCalls = fakeEnergyCalls(library);
    const callsBefore = energyCalls();
    try {
      sampler.start();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const end = await sampler.finish();
      const points = reports.flat();
      const values = (name: string) => points.filter((p) => p.series.name === name).map((p) => p.value);
      const last = (name: string) => values(name).at(-1);
      expect(last('gpu/0/utilization_percent')).toBe(100);
      expect(last('gpu/0/utilization_percent_max')).toBe(100);
      expect(last('gpu/0/memory_used_bytes')).toBe(1965883392);
      expect(last('gpu/0/power_watts')).toBeCloseTo(696.827, 6);
      expect(last('gpu/0/temperature_celsius')).toBe(58);
      // The counter grows at 696.827 W. It is read at the first reading and the last only (on an H200 a read cost 3-4 ms of
      // CPU, every other call microseconds), so the run's energy is 696.827 W over the time between them, exactly.
      expect(energyCalls() - callsBefore).toBe(2);
      expect(values('gpu/0/power_watts').length).toBeGreaterThanOrEqual(3);
      const energy = last('gpu/0/energy_joules') ?? 0;
      expect(energy).toBeGreaterThan(0.696827 * 700);
      expect(energy).toBeLessThan(0.696827 * 1400);
      expect(end.energy).toEqual([{ source: 'gpu/0', joules: energy, estimated: false }, expect.objectContaining({ source: 'gpu/1', estimated: true })]);
      expect(points.find((p) => p.series.name === 'gpu/0/power_watts')?.series).toEqual({
        name: 'gpu/0/power_watts',
        kind: 'gpu',
        device: 'GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95',
        unit: 'W',
      });
      // GPM on GPU 0 (as a Hopper GPU: the figures an H200 gave under bf16 matrix products); GPU 1 has none.
      expect(last('gpu/0/sm_active_percent')).toBeCloseTo(96.38107445069689, 9);
      expect(last('gpu/0/sm_occupancy_percent')).toBeCloseTo(14.243338163597171, 9);
      expect(last('gpu/0/tensor_active_percent')).toBeCloseTo(93.55000711419675, 9);
      expect(last('gpu/0/dram_bandwidth_percent')).toBeCloseTo(16.842483887737345, 9);
      expect(values('gpu/1/sm_active_percent')).toEqual([]);
      // Throttle reasons and Xid errors are events: a point when they change or happen, not a mean.
      expect(values('gpu/0/clocks_event_reasons')).toEqual([1, 4]);
      expect(values('gpu/0/xid')).toEqual([79]);
      expect(end.gpuErrors).toEqual([{ gpu: 0, xid: 79 }]);
      // The recorded pid 405 is not the job's; the child's 1386 MiB are.
      expect(last('job/gpu_memory_bytes')).toBe(1386 * 1048576);
      expect(last('gpu/0/job_memory_bytes')).toBe(1386 * 1048576);
      // GPU 1 acts like a MIG GPU: no utilization, no energy counter (its energy is estimated from power), the rest is there.
      expect(values('gpu/1/utilization_percent')).toEqual([]);
      expect(values('gpu/1/energy_joules')).toEqual([]);
      expect(last('gpu/1/estimated_energy_joules')).toBeGreaterThan(0);
      expect(last('gpu/1/power_watts')).toBeCloseTo(696.827, 6);
      expect(warnings).toEqual([]);
    } finally {
      delete process.env.FAKE_NVML_PID;
      delete process.env.FAKE_NVML_XID;
      await sampler.stop();
      child.kill();
    }
  });

  it('GPM held by another client: the second sampler says who may hold it and skips those series; one told not to read GPM says nothing', async () => {
    const options = { nvmlLibrary: library, env: { ...process.env, CUDA_VISIBLE_DEVICES: '0' }, sampleIntervalMs: 120 };
    const first = createSystemSampler(options);
    const warnings: string[] = [];
    const second = createSystemSampler({ ...options, warn: (m) => warnings.push(m) });
    const quiet: string[] = [];
    const third = createSystemSampler({ ...options, gpm: false, warn: (m) => quiet.push(m) });
    try {
      first.start();
      await first.sinceLastCall();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await first.sinceLastCall())['gpu/0/sm_active_percent']).toBeCloseTo(96.38107445069689, 9);
      second.start();
      third.start();
      await new Promise((resolve) => setTimeout(resolve, 400));
      const seconds = await second.sinceLastCall();
      const thirds = await third.sinceLastCall();
      expect(warnings).toEqual([
        "gpu/0: NVML's GPM metrics (SM active, SM occupancy, tensor activity, DRAM bandwidth) are held by another client (DCGM, nvidia-smi dmon, or another runmeter); those series are skipped",
      ]);
      expect(Object.keys(seconds).filter((name) => name.includes('sm_active'))).toEqual([]);
      expect(seconds['gpu/0/power_watts']).toBeCloseTo(696.827, 6);
      expect(quiet).toEqual([]);
      expect(Object.keys(thirds).filter((name) => name.includes('sm_active'))).toEqual([]);
      expect(thirds['gpu/0/power_watts']).toBeCloseTo(696.827, 6);
    } finally {
      await Promise.all([first.stop(), second.stop(), third.stop()]);
    }
  });

  it('records only the GPUs CUDA_VISIBLE_DEVICES names, under their driver index', async () => {
    const sampler = createSystemSampler({ nvmlLibrary: library, env: { CUDA_VISIBLE_DEVICES: 'GPU-1111' } });
    try {
      sampler.start();
      const names = Object.keys(await sampler.sinceLastCall());
      expect(names.filter((n) => n.startsWith('gpu/'))).toEqual(expect.arrayContaining(['gpu/1/memory_used_bytes', 'gpu/1/power_watts']));
      expect(names.some((n) => n.startsWith('gpu/0/'))).toBe(false);
    } finally {
      await sampler.stop();
    }
  });

  it('describes the GPUs the job can see: name, UUID, memory and driver', async () => {
    const machine = await describeMachine({ CUDA_VISIBLE_DEVICES: '0' }, { nvmlLibrary: library });
    expect(machine.gpus).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95', memoryBytes: 85520809984, driverVersion: '580.159.04' },
    ]);
    expect(machine.cpuCount).toBe(os.cpus().length);
    expect(machine.memoryBytes).toBe(os.totalmem());
  });
});

/** The stand-in's count of energy-counter reads (the sampler loads the same library, so they share it). */
function fakeEnergyCalls(library: string): () => number {
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  return koffi.load(library).func('unsigned int fake_nvml_energy_calls()') as () => number;
}
