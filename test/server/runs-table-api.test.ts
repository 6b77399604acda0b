import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectsResponse, RunResponse, RunsResponse } from '../../src/server/index.js';
import type { Store } from '../../src/store/store.js';
import { createRun, metricPoints, t0, tempStore, testApp } from './helpers.js';

let store: Store;
afterEach(async () => store?.close());

/** A learning-rate sweep of four runs in two projects, with loss and val_loss. */
async function sweep(): Promise<void> {
  const lrs = [0.1, 0.01, 0.001, 0.0001];
  for (const [i, lr] of lrs.entries()) {
    const run = await createRun(store, {
      name: 'train_mlp.py',
      command: ['python', 'train_mlp.py', '--lr', String(lr)],
      params: { lr, bs: 64 },
      tags: i === 3 ? ['sweep', 'baseline'] : ['sweep'],
      project: i < 2 ? 'mnist' : 'cifar',
      startTime: t0 + i * 1000,
      status: i === 2 ? 'failed' : 'succeeded',
    });
    await store.appendPoints(run.id, [...metricPoints('loss', 5, (s) => (1 + i) / (s + 1)), ...metricPoints('val_loss', 5, (s) => (1.5 + i) / (s + 1))]);
  }
}

describe('the runs table over the API', () => {
  it('gives every training metric with its last value and range, validation loss first', async () => {
    ({ store } = tempStore());
    await sweep();
    const { json } = testApp({ store });
    const { body } = await json<RunsResponse>('/api/v1/runs');
    expect(body.runs).toHaveLength(4);
    expect(body.runs[3]?.metrics.map((m) => [m.key, m.last, m.min, m.max, m.count])).toEqual([
      ['val_loss', 0.3, 0.3, 1.5, 5],
      ['loss', 0.2, 0.2, 1, 5],
    ]);
  });

  it('filters with the filter language, sorts by any column, and says how many matched', async () => {
    ({ store } = tempStore());
    await sweep();
    const { json } = testApp({ store });
    const lrs = async (query: string) => {
      const { status, body } = await json<RunsResponse>(`/api/v1/runs?${query}`);
      expect(status).toBe(200);
      return { lrs: body.runs.map((r) => r.params.lr), total: body.total };
    };
    expect(await lrs(`filter=${encodeURIComponent('lr > 0.001 and status = succeeded')}`)).toEqual({ lrs: [0.01, 0.1], total: 2 });
    expect(await lrs(`sort=lr`)).toEqual({ lrs: [0.0001, 0.001, 0.01, 0.1], total: 4 });
    expect(await lrs(`sort=-val_loss.min&limit=2`)).toEqual({ lrs: [0.0001, 0.001], total: 4 });
    expect(await lrs(`filter=${encodeURIComponent('"train_mlp.py --lr 0.01"')}`)).toEqual({ lrs: [0.01], total: 1 });
    expect(await lrs(`filter=tag:baseline`)).toEqual({ lrs: [0.0001], total: 1 });
  });

  it('answers a bad filter with a 400 that names the position', async () => {
    ({ store } = tempStore());
    await sweep();
    const { json } = testApp({ store });
    const bad = await json<{ error: { code: string; message: string } }>(`/api/v1/runs?filter=${encodeURIComponent('lr >> 1')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ code: 'E_FILTER', message: 'query parameter "filter": expected a value after ">" at position 4, found ">"' });
    const sort = await json<{ error: { message: string } }>('/api/v1/runs?sort=lrr');
    expect(sort.status).toBe(400);
    expect(sort.body.error.message).toContain('did you mean lr');
  });

  it('lists projects and filters runs by one', async () => {
    ({ store } = tempStore());
    await sweep();
    await createRun(store, { name: 'loose', startTime: t0 + 9000 });
    const { json } = testApp({ store });
    expect((await json<ProjectsResponse>('/api/v1/projects')).body.projects).toEqual([
      { runs: 1, lastStart: t0 + 9000 },
      { project: 'cifar', runs: 2, lastStart: t0 + 3000 },
      { project: 'mnist', runs: 2, lastStart: t0 + 1000 },
    ]);
    const names = async (query: string) => (await json<RunsResponse>(`/api/v1/runs?${query}`)).body.runs.map((r) => r.project ?? '-');
    expect(await names('project=mnist')).toEqual(['mnist', 'mnist']);
    expect(await names('project=')).toEqual(['-']);
  });
});

describe('why a run ended', () => {
  /** What real Python prints on stderr when this code fails. */
  function pythonStderr(code: string): Buffer {
    const result = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'buffer' });
    expect(result.status).not.toBe(0);
    return result.stderr;
  }

  it('names the last line of a Python traceback, with the byte offset where it starts on stderr', async () => {
    ({ store } = tempStore());
    const run = await createRun(store, { status: 'failed', exitCode: 1, endTime: t0 + 5000 });
    const before = Buffer.from('epoch 1 loss=0.5 ✓\nwarning: deprecated flag\n');
    const traceback = pythonStderr('def train():\n    return 1 / 0\ntrain()');
    await store.appendOutput(run.id, 'stderr', before, t0 + 1000);
    await store.appendOutput(run.id, 'stderr', traceback, t0 + 2000);
    const { json } = testApp({ store });
    const { body } = await json<RunResponse>(`/api/v1/runs/${run.id}`);
    expect(body.endCause).toMatchObject({ text: 'ZeroDivisionError: division by zero', source: 'traceback', stream: 'stderr' });
    const all = Buffer.concat([before, traceback]);
    const offset = body.endCause?.offset as number;
    expect(all.subarray(offset, offset + 17).toString()).toBe('ZeroDivisionError');
  });

  it('prefers the cause the recorder set, then says the signal when nothing reads as an error', async () => {
    ({ store } = tempStore());
    const oom = await createRun(store, { status: 'killed', signal: 'SIGKILL', cause: 'out of memory (OOM killer)' });
    const term = await createRun(store, { status: 'killed', signal: 'SIGTERM' });
    await store.appendOutput(term.id, 'stdout', Buffer.from('step 1\nstep 2\n'), t0);
    const ok = await createRun(store, { status: 'succeeded', exitCode: 0 });
    const { json } = testApp({ store });
    expect((await json<RunResponse>(`/api/v1/runs/${oom.id}`)).body.endCause).toEqual({ text: 'out of memory (OOM killer)', source: 'recorder' });
    expect((await json<RunResponse>(`/api/v1/runs/${term.id}`)).body.endCause).toEqual({ text: 'killed by SIGTERM', source: 'signal' });
    expect((await json<RunResponse>(`/api/v1/runs/${ok.id}`)).body.endCause).toBeUndefined();
  });
});
