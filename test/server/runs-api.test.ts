import { afterEach, describe, expect, it } from 'vitest';
import type { RunResponse, RunsResponse, SeriesListResponse } from '../../src/server/index.js';
import type { Store } from '../../src/store/store.js';
import { createRun, metricPoints, t0, tempStore, testApp } from './helpers.js';

let store: Store;
afterEach(async () => store?.close());

describe('runs API', () => {
  it('lists runs newest first with their duration and the last value of key metrics, NaN as a string', async () => {
    ({ store } = tempStore());
    const old = await createRun(store, { name: 'old', startTime: t0, endTime: t0 + 60_000, status: 'succeeded' });
    const recent = await createRun(store, { name: 'recent', startTime: t0 + 100_000 });
    await store.appendPoints(old.id, [
      ...metricPoints('loss', 3, (i) => (i === 2 ? Number.NaN : 1 / (i + 1))),
      ...metricPoints('zeta', 2, () => 5),
      ...metricPoints('accuracy', 2, () => 0.5),
    ]);
    const { json } = testApp({ store });
    const { status, body } = await json<RunsResponse>('/api/v1/runs');
    expect(status).toBe(200);
    expect(body.runs.map((r) => r.name)).toEqual(['recent', 'old']);
    const listed = body.runs[1];
    expect(listed?.durationMs).toBe(60_000);
    expect(listed?.metrics.map((m) => [m.name, m.last])).toEqual([
      ['loss', 'NaN'],
      ['accuracy', 0.5],
      ['zeta', 5],
    ]);
    expect(body.runs[0]?.id).toBe(recent.id);
  });

  it('filters runs by status and text, and limits them', async () => {
    ({ store } = tempStore());
    await createRun(store, { name: 'alpha', status: 'failed', startTime: t0 });
    await createRun(store, { name: 'beta', command: ['python', 'bert.py'], startTime: t0 + 1 });
    await createRun(store, { name: 'gamma', status: 'succeeded', startTime: t0 + 2 });
    const { json } = testApp({ store });
    const names = async (query: string) => (await json<RunsResponse>(`/api/v1/runs${query}`)).body.runs.map((r) => r.name);
    expect(await names('?status=failed,succeeded')).toEqual(['gamma', 'alpha']);
    expect(await names('?text=BERT')).toEqual(['beta']);
    expect(await names('?limit=1')).toEqual(['gamma']);
  });

  it('answers a bad filter with a 400 naming the parameter and what it accepts', async () => {
    ({ store } = tempStore());
    const { json } = testApp({ store });
    const bad = await json<{ error: { code: string; message: string } }>('/api/v1/runs?status=done');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('"status"');
    expect(bad.body.error.message).toContain('running, succeeded, failed, killed, lost');
    expect((await json('/api/v1/runs?limit=ten')).status).toBe(400);
  });

  it('returns a run by id, id prefix, name or last, with output sizes and FLOPs throughput', async () => {
    ({ store } = tempStore());
    const run = await createRun(store, { name: 'resnet' });
    await store.appendOutput(run.id, 'stdout', new TextEncoder().encode('hello\n'), t0 + 10);
    const flops = (i: number) => ({
      series: { name: 'flops/resnet/batch_total', kind: 'flops' as const },
      time: t0 + i * 1000,
      step: i,
      value: (i + 1) * 2e12,
    });
    await store.appendPoints(run.id, [flops(0), flops(1), flops(2)]);
    const { json } = testApp({ store });
    for (const ref of [run.id, run.id.slice(0, 4), 'resnet', 'last']) {
      const { status, body } = await json<RunResponse>(`/api/v1/runs/${ref}`);
      expect(status).toBe(200);
      expect(body.run.id).toBe(run.id);
      expect(body.output).toEqual({ stdout: 6, stderr: 0 });
    }
    const { body } = await json<RunResponse>(`/api/v1/runs/${run.id}`);
    // 4e12 FLOPs done between the first and last call, 2 s apart; no GPU recorded, so no MFU.
    expect(body.flops).toEqual([{ label: 'resnet', per: 'batch', totalFlops: 6e12, durationMs: 2000, flopsPerSecond: 2e12 }]);
  });

  it('gives the MFU against the peak of the run GPUs, at the dtype its params name', async () => {
    ({ store } = tempStore());
    const gpu = { index: 0, name: 'NVIDIA H100 80GB HBM3' };
    const system = { os: 'linux', arch: 'x64', cpuCount: 8, memoryBytes: 1e9, gpus: [gpu, { ...gpu, index: 1 }] };
    const run = await createRun(store, { system, params: { dtype: 'torch.float16' } });
    const flops = (i: number) => ({ series: { name: 'flops/vit/batch_total', kind: 'flops' as const }, time: t0 + i * 1000, step: i, value: (i + 1) * 1e15 });
    await store.appendPoints(run.id, [flops(0), flops(1)]);
    const { json } = testApp({ store });
    const [throughput] = (await json<RunResponse>(`/api/v1/runs/${run.id}`)).body.flops;
    expect(throughput?.flopsPerSecond).toBe(1e15);
    expect(throughput?.peak).toMatchObject({ gpuModel: 'NVIDIA H100 SXM', gpus: 2, dtype: 'fp16', flopsPerSecond: 2 * 989.4e12 });
    expect(throughput?.mfu).toBeCloseTo(1e15 / (2 * 989.4e12), 6);
  });

  it('answers an unknown run with a 404 JSON error naming the closest names', async () => {
    ({ store } = tempStore());
    await createRun(store, { name: 'resnet' });
    const { json } = testApp({ store });
    const { status, body } = await json<{ error: { code: string; message: string } }>('/api/v1/runs/resnt');
    expect(status).toBe(404);
    expect(body.error.code).toBe('E_RUN_NOT_FOUND');
    expect(body.error.message).toContain('resnet');
  });

  it('lists a run series with the chart each belongs on: loss with val_loss, machine with job', async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    const sample = (name: string, kind: 'system' | 'job' | 'gpu') => ({ series: { name, kind }, time: t0, value: 1 });
    await store.appendPoints(run.id, [
      ...metricPoints('loss', 1, () => 1),
      ...metricPoints('val_loss', 1, () => 2),
      sample('system/cpu_percent', 'system'),
      sample('job/cpu_percent', 'job'),
      sample('gpu/0/memory_used_bytes', 'gpu'),
      sample('job/gpu_memory_bytes', 'job'),
      sample('gpu/0/power_watts', 'gpu'),
    ]);
    const { json } = testApp({ store });
    const { body } = await json<SeriesListResponse>(`/api/v1/runs/${run.id}/series`);
    const chart = (name: string) => body.series.find((s) => s.name === name)?.chart;
    expect(chart('loss')?.key).toBe(chart('val_loss')?.key);
    expect(chart('val_loss')).toMatchObject({ title: 'loss', section: 'training', label: 'val_loss' });
    expect(chart('system/cpu_percent')?.key).toBe(chart('job/cpu_percent')?.key);
    expect([chart('system/cpu_percent')?.label, chart('job/cpu_percent')?.label]).toEqual(['machine', 'job']);
    expect(chart('gpu/0/memory_used_bytes')).toMatchObject({ title: 'GPU memory', unit: 'bytes', label: 'GPU 0' });
    expect(chart('job/gpu_memory_bytes')?.key).toBe(chart('gpu/0/memory_used_bytes')?.key);
    expect(chart('gpu/0/power_watts')).toMatchObject({ title: 'GPU power', unit: 'watts', section: 'system' });
  });

  it("tells the agent's system series from the SDK's logSystemMetrics ones by their context", async () => {
    ({ store } = tempStore());
    const run = await createRun(store);
    const sample = (name: string, kind: 'system' | 'job' | 'gpu', context?: string) => ({
      series: context === undefined ? { name, kind } : { name, kind, context },
      time: t0,
      value: 1,
    });
    await store.appendPoints(run.id, [
      sample('system/cpu_percent', 'system'),
      sample('system/cpu_percent', 'system', 'training'),
      sample('system/disk_read_bytes_per_s', 'system', 'validation'),
      sample('gpu/0/power_watts', 'gpu', 'training'),
      sample('job/open_files', 'job', 'training'),
    ]);
    const { json } = testApp({ store });
    const { body } = await json<SeriesListResponse>(`/api/v1/runs/${run.id}/series`);
    const cpu = body.series.filter((s) => s.name === 'system/cpu_percent');
    expect(cpu).toHaveLength(2);
    expect(cpu[0]?.chart.key).toBe(cpu[1]?.chart.key);
    expect(cpu.map((s) => s.chart.label).sort()).toEqual(['machine', 'machine · training']);
    const chart = (name: string) => body.series.find((s) => s.name === name)?.chart;
    expect(chart('system/disk_read_bytes_per_s')?.label).toBe('machine read · validation');
    expect(chart('gpu/0/power_watts')?.label).toBe('GPU 0 · training');
    expect(chart('job/open_files')?.label).toBe('job · training');
  });

  it("answers an unknown endpoint with a 404 JSON error that points to the API's documentation", async () => {
    ({ store } = tempStore());
    const { json } = testApp({ store });
    const { status, body } = await json<{ error: { code: string; message: string } }>('/api/v1/nothing');
    expect(status).toBe(404);
    expect(body.error.code).toBe('E_NOT_FOUND');
    expect(body.error.message).toContain('GET /api/v1/nothing');
    expect(body.error.message).toContain('docs/dashboard.md');
    expect(body.error.message).toContain('HTTP API');
  });
});
