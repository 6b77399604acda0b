import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startRun } from '../../src/sdk/index.js';
import type { Store } from '../../src/store/store.js';
import { version } from '../../src/version.js';
import { reopen, tempStoreDir } from './helpers.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
function open(dir: string): Store {
  const store = reopen(dir);
  stores.push(store);
  return store;
}

describe('startRun', () => {
  it('creates an sdk run with the command, host, user, params, tags and version', async () => {
    const dir = tempStoreDir();
    const run = await startRun({ name: 'mnist', experiment: 'digits', store: dir, params: { lr: 0.01 }, tags: ['baseline'], env: {} });
    const record = await open(dir).getRun(run.id);
    expect(record).toMatchObject({
      name: 'mnist',
      project: 'digits',
      source: 'sdk',
      status: 'running',
      command: process.argv,
      cwd: process.cwd(),
      host: os.hostname(),
      agentPid: process.pid,
      version,
      params: { lr: 0.01 },
      tags: ['baseline'],
    });
    expect(run.attached).toBe(false);
    await run.end();
    expect((await open(dir).getRun(run.id))?.status).toBe('succeeded');
  });

  it('names the run after the experiment when no name is given', async () => {
    const dir = tempStoreDir();
    const run = await startRun({ experiment: 'cifar', store: dir, env: {} });
    expect(run.name).toBe('cifar');
    await run.end('failed');
    expect((await open(dir).getRun(run.id))?.status).toBe('failed');
  });

  it('attaches to the run named by RUNMETER_RUN_ID and leaves its status to the agent', async () => {
    const dir = tempStoreDir();
    const agentStore = open(dir);
    const agentRun = await agentStore.createRun({
      name: 'wrapped',
      command: ['node', 'train.mjs'],
      cwd: '/',
      host: 'h',
      user: 'u',
      startTime: Date.now() - 1000,
      version,
      source: 'run',
      tags: ['a'],
    });
    const run = await startRun({ name: 'ignored', params: { epochs: 3 }, tags: ['a', 'b'], env: { RUNMETER_RUN_ID: agentRun.id, RUNMETER_STORE: dir } });
    expect(run.attached).toBe(true);
    expect(run.id).toBe(agentRun.id);
    run.logMetric('loss', 0.5, { step: 1 });
    await run.end();
    const record = await agentStore.getRun(agentRun.id);
    expect(record).toMatchObject({ name: 'wrapped', status: 'running', params: { epochs: 3 }, tags: ['a', 'b'] });
    expect(record?.endTime).toBeUndefined();
    expect((await agentStore.listSeries(agentRun.id)).map((s) => s.name)).toEqual(['loss']);
    expect(await agentStore.listRuns()).toHaveLength(1);
  });

  it('records its own run when RUNMETER_RUN_ID names a run the store does not have', async () => {
    const dir = tempStoreDir();
    const run = await startRun({ name: 'orphan', env: { RUNMETER_RUN_ID: 'zzzzzzzz', RUNMETER_STORE: dir } });
    expect(run.attached).toBe(false);
    expect(run.id).not.toBe('zzzzzzzz');
    await run.end();
    expect((await open(dir).getRun(run.id))?.status).toBe('succeeded');
  });

  it('creates a new run despite RUNMETER_RUN_ID when attach is false', async () => {
    const dir = tempStoreDir();
    const run = await startRun({ store: dir, attach: false, env: { RUNMETER_RUN_ID: 'abc', RUNMETER_STORE: dir } });
    expect(run.attached).toBe(false);
    await run.end();
  });

  it('rejects bad options before creating anything', async () => {
    const dir = tempStoreDir();
    await expect(startRun({ store: dir, name: '', env: {} })).rejects.toThrow(/expected name to be a non-empty string, got ""/);
    await expect(startRun({ store: dir, tags: ['ok', 3 as unknown as string], env: {} })).rejects.toThrow(/tags to be an array of non-empty strings/);
    await expect(startRun({ store: dir, flushPoints: 0, env: {} })).rejects.toThrow(/flushPoints to be a positive number, got number 0/);
    await expect(startRun({ store: dir, params: { big: 10n }, env: {} })).rejects.toThrow(/param "big"/);
    expect(await open(dir).listRuns()).toEqual([]);
  });
});
