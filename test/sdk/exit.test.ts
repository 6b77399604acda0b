import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findSeries, readSeries, reopen, tempStoreDir } from './helpers.js';

// The child imports 'runmeter', i.e. the built dist/: run `npx tsc -p tsconfig.json` before these tests.
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'log-then.mjs');

interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  runId: string;
}

/** Runs the fixture and, once it has logged, sends `signal` if given. */
function runChild(dir: string, mode: string, signal?: NodeJS.Signals): Promise<ChildEnd> {
  const env = { ...process.env };
  delete env.RUNMETER_RUN_ID;
  const child = spawn(process.execPath, [script, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (signal !== undefined && stdout.includes('ready ')) {
      child.kill(signal);
      signal = undefined;
    }
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, runId: /ready (\w+)/.exec(stdout)?.[1] ?? '' }));
  });
}

async function storedRun(dir: string, runId: string) {
  const store = reopen(dir);
  try {
    const run = await store.getRun(runId);
    const loss = await readSeries(store, await findSeries(store, runId, 'loss'));
    return { run, loss };
  } finally {
    await store.close();
  }
}

const thousand = Array.from({ length: 1000 }, (_, i) => i / 10);

describe('a program using the SDK', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('keeps every buffered point when interrupted by %s, then dies by the signal', async (signal) => {
    const dir = tempStoreDir();
    const end = await runChild(dir, 'wait', signal);
    expect(end.signal).toBe(signal);
    const { run, loss } = await storedRun(dir, end.runId);
    expect(loss.value).toEqual(thousand);
    expect(run).toMatchObject({ status: 'killed', signal, params: { mode: 'wait' } });
    expect(run?.endTime).toBeGreaterThanOrEqual(run?.startTime ?? 0);
  });

  it('keeps every point when it calls process.exit, and records the exit code', async () => {
    const dir = tempStoreDir();
    const end = await runChild(dir, 'exit');
    expect(end.code).toBe(3);
    const { run, loss } = await storedRun(dir, end.runId);
    expect(loss.value).toEqual(thousand);
    expect(run).toMatchObject({ status: 'failed', exitCode: 3 });
  });

  it('keeps every point when it dies of an uncaught exception', async () => {
    const dir = tempStoreDir();
    const end = await runChild(dir, 'throw');
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('training diverged');
    const { run, loss } = await storedRun(dir, end.runId);
    expect(loss.value).toEqual(thousand);
    expect(run).toMatchObject({ status: 'failed', exitCode: 1 });
  });

  it('ends the run as succeeded when the program returns without calling end()', async () => {
    const dir = tempStoreDir();
    const end = await runChild(dir, 'return');
    expect(end.code).toBe(0);
    expect(end.stderr).toBe('');
    const { run, loss } = await storedRun(dir, end.runId);
    expect(loss.value).toEqual(thousand);
    expect(run?.status).toBe('succeeded');
  });

  it('keeps every point when the program calls end() without awaiting it and exits at once', async () => {
    const dir = tempStoreDir();
    const end = await runChild(dir, 'end-then-exit');
    expect(end.code).toBe(0);
    const { run, loss } = await storedRun(dir, end.runId);
    expect(loss.value).toEqual(thousand);
    expect(run?.status).toBe('succeeded');
  });

  it('leaves SIGINT to the program when it handles it, and still keeps the points', async () => {
    const dir = tempStoreDir();
    const end = await runChild(dir, 'own-handler', 'SIGINT');
    expect(end.code).toBe(0);
    expect(end.stdout).toContain('saving a checkpoint');
    const { run, loss } = await storedRun(dir, end.runId);
    expect(loss.value).toEqual([...thousand, -1]);
    expect(run?.status).toBe('succeeded');
  });
});
