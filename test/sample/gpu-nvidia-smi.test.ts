import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAppsFields, gpuQueryFields, nvidiaSmiDevices, nvidiaSmiReadings, parseNvidiaSmiCsv } from '../../src/sample/gpu/nvidia-smi.js';
import { createSystemSampler, describeMachine } from '../../src/sample/index.js';

const gpuFixtures = path.join(import.meta.dirname, '../fixtures/real/gpu');
const idleCsv = fs.readFileSync(path.join(gpuFixtures, 'nvidia-smi_query-gpu_h100_idle.csv'), 'utf8');
const trainingCsv = fs.readFileSync(path.join(gpuFixtures, 'nvidia-smi_query-gpu_h100_training.csv'), 'utf8');
// The query of the idle recording is not stored with it; its values match these fields (0 MiB of 81559 used, 33 C, 74.50 W, SM at 345 MHz,
// as nvidia-smi_h100_idle.txt shows them).
const idleFields = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'utilization.memory',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
  'clocks.sm',
];

describe('parseNvidiaSmiCsv', () => {
  it('reads the recorded idle H100 row: text fields as text, the rest as numbers', () => {
    expect(parseNvidiaSmiCsv(idleCsv, idleFields)).toEqual([
      {
        index: 0,
        uuid: 'GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95',
        name: 'NVIDIA H100 80GB HBM3',
        'utilization.gpu': 0,
        'utilization.memory': 0,
        'memory.used': 0,
        'memory.total': 81559,
        'temperature.gpu': 33,
        'power.draw': 74.5,
        'clocks.sm': 345,
      },
    ]);
  });

  it('reads every row of the recorded training run, where utilization reaches 100 and 8483 MiB are used', () => {
    const rows = parseNvidiaSmiCsv(trainingCsv, ['timestamp', 'utilization.gpu', 'memory.used']);
    expect(rows).toHaveLength(trainingCsv.trim().split('\n').length);
    expect(Math.max(...rows.map((r) => Number(r['utilization.gpu'])))).toBe(100);
    expect(rows.at(-1)).toEqual({ timestamp: '2026/11/23 06:52:03.889', 'utilization.gpu': 0, 'memory.used': 8483 });
  });

  it('leaves out [N/A], [Not Supported] and other bracketed notes, and only those', () => {
    const line = '0, GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95, NVIDIA H100 80GB HBM3, [N/A], 1395, 81559, [Not Supported], 59, 580.159.04\n';
    const [row = {}] = parseNvidiaSmiCsv(line, gpuQueryFields);
    expect(nvidiaSmiReadings([row], [])).toEqual([
      {
        index: 0,
        uuid: 'GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95',
        memoryUsedBytes: 1395 * 1048576,
        memoryTotalBytes: 81559 * 1048576,
        temperatureCelsius: 59,
        processes: [],
      },
    ]);
    expect(nvidiaSmiDevices([row])).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95', memoryBytes: 81559 * 1048576, driverVersion: '580.159.04' },
    ]);
  });

  it('gives each GPU the compute processes nvidia-smi lists on it (the recorded `405, python3, 1386`)', () => {
    const gpus = parseNvidiaSmiCsv('0, GPU-aaaa, H100, 100, 1395, 81559, 696.16, 59, 580\n1, GPU-bbbb, H100, 0, 0, 81559, 70, 30, 580\n', gpuQueryFields);
    const apps = parseNvidiaSmiCsv('GPU-aaaa, 405, 1386\n', computeAppsFields);
    const [first, second] = nvidiaSmiReadings(gpus, apps);
    expect(first?.processes).toEqual([{ pid: 405, usedBytes: 1386 * 1048576 }]);
    expect(second?.processes).toEqual([]);
    expect(first?.powerWatts).toBe(696.16);
  });
});

// A stand-in nvidia-smi on PATH that answers the sampler's queries from the recorded H100 outputs.
describe.skipIf(process.platform === 'win32')('the nvidia-smi fallback, end to end', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-smi-'));
    const script = `#!${process.execPath}
const fs = require('node:fs');
const [values] = fs.readFileSync(${JSON.stringify(path.join(gpuFixtures, 'nvidia-smi_query-gpu_h100_idle.csv'))}, 'utf8').trim().split('\\n');
const recorded = Object.fromEntries(${JSON.stringify(idleFields)}.map((field, i) => [field, values.split(', ')[i]]));
recorded.driver_version = '580.159.04';
if (process.env.FAKE_SMI_TRAINING) Object.assign(recorded, { 'utilization.gpu': '100', 'memory.used': '8483' });
const query = process.argv.find((a) => a.startsWith('--query-'));
const fields = query.split('=')[1].split(',');
if (query.startsWith('--query-gpu')) console.log(fields.map((f) => recorded[f] ?? '[N/A]').join(', '));
else if (process.env.FAKE_SMI_PID) console.log([recorded.uuid, process.env.FAKE_SMI_PID, '1386'].join(', '));
`;
    fs.writeFileSync(path.join(dir, 'nvidia-smi'), script, { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH}`, ...extra });

  it('records the GPU from nvidia-smi when NVML cannot be loaded, and the GPU memory of the job', async () => {
    process.env.FAKE_SMI_TRAINING = '1';
    process.env.FAKE_SMI_PID = String(process.pid);
    const warnings: string[] = [];
    const sampler = createSystemSampler({
      rootPid: process.pid,
      nvmlLibrary: path.join(dir, 'no-libnvidia-ml.so.1'),
      env: env(),
      warn: (m) => warnings.push(m),
    });
    try {
      await sampler.sampleNow();
      const points = sampler.report(Date.now());
      const value = (name: string) => points.find((p) => p.series.name === name)?.value;
      expect(value('gpu/0/utilization_percent')).toBeCloseTo(100, 9);
      expect(value('gpu/0/memory_used_bytes')).toBe(8483 * 1048576);
      expect(value('gpu/0/memory_percent')).toBeCloseTo((8483 / 81559) * 100, 9);
      expect(value('gpu/0/power_watts')).toBeCloseTo(74.5, 9);
      expect(value('gpu/0/temperature_celsius')).toBeCloseTo(33, 9);
      // runmeter reads no energy counter through nvidia-smi.
      expect(value('gpu/0/energy_joules')).toBeUndefined();
      expect(value('job/gpu_memory_bytes')).toBe(1386 * 1048576);
      expect(warnings).toEqual([]);
    } finally {
      delete process.env.FAKE_SMI_TRAINING;
      delete process.env.FAKE_SMI_PID;
      await sampler.stop();
    }
  });

  it('records no GPU when CUDA_VISIBLE_DEVICES hides it, and describes the machine without it', async () => {
    const sampler = createSystemSampler({ nvmlLibrary: path.join(dir, 'none.so'), env: env({ CUDA_VISIBLE_DEVICES: '' }) });
    try {
      await sampler.sampleNow();
      expect(sampler.report(Date.now()).filter((p) => p.series.kind === 'gpu')).toEqual([]);
    } finally {
      await sampler.stop();
    }
    expect((await describeMachine(env({ CUDA_VISIBLE_DEVICES: '1' }), { nvmlLibrary: path.join(dir, 'none.so') })).gpus).toEqual([]);
    expect((await describeMachine(env(), { nvmlLibrary: path.join(dir, 'none.so') })).gpus).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95', memoryBytes: 81559 * 1048576, driverVersion: '580.159.04' },
    ]);
  });

  it('warns once, and records no GPU, when nvidia-smi is there but fails', async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeter-smi-broken-'));
    fs.writeFileSync(
      path.join(broken, 'nvidia-smi'),
      '#!/bin/sh\necho "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver." >&2\nexit 9\n',
      {
        mode: 0o755,
      },
    );
    const warnings: string[] = [];
    const sampler = createSystemSampler({ nvmlLibrary: path.join(broken, 'none.so'), env: { PATH: broken }, warn: (m) => warnings.push(m) });
    try {
      await sampler.sampleNow();
      await sampler.sampleNow();
      expect(sampler.report(Date.now()).filter((p) => p.series.kind === 'gpu')).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("couldn't communicate with the NVIDIA driver");
    } finally {
      await sampler.stop();
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});
