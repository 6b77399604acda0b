import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endCause, gib } from '../../src/model/end-cause.js';
import { NonFiniteLossWatch } from '../../src/model/loss-watch.js';
import { OutputTail } from '../../src/model/output-tail.js';

const python = '/usr/bin/python3';
const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../fixtures/end-cause', name), 'utf8');

/** Runs a real job; `stop` may signal it once it printed its first line. Resolves with what endCause is given at the end. */
async function runJob(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; stop?: NodeJS.Signals } = {}) {
  const env = { ...process.env, ...options.env };
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new OutputTail();
  child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
  if (options.stop) {
    await once(child.stdout, 'data');
    child.kill(options.stop);
  }
  const [exitCode, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (!child.stderr.readableEnded) await once(child.stderr, 'end');
  return { exitCode: exitCode ?? undefined, signal: signal ?? undefined, endTime: Date.now(), stderrTail: tail.text(), env };
}

describe('endCause on real jobs', () => {
  it('gives the last line of the traceback of a Python script that raises', async () => {
    const ended = await runJob(python, ['-c', 'import json\nprint("step 1")\nx = 1 / 0']);
    expect(ended.exitCode).toBe(1);
    expect(endCause(ended)).toBe('ZeroDivisionError: division by zero');
  });

  it('gives the exception that ended a script, not the one it was handling', async () => {
    const code = 'try:\n    {}["lr"]\nexcept KeyError:\n    raise ValueError("bad config: no learning rate")';
    expect(endCause(await runJob(python, ['-c', code]))).toBe('ValueError: bad config: no learning rate');
  });

  it('names a SIGTERM in a SLURM job, and whether it came at the time limit', async () => {
    const job = [python, ['-c', 'import time\nprint("ready", flush=True)\ntime.sleep(30)']] as const;
    const early = await runJob(...job, { env: { SLURM_JOB_ID: '1234', SLURM_JOB_END_TIME: String(Math.round(Date.now() / 1000) + 3600) }, stop: 'SIGTERM' });
    expect(early.signal).toBe('SIGTERM');
    expect(endCause(early)).toBe('SIGTERM (SLURM job 1234, before its time limit: scancel or preemption)');
    const atLimit = await runJob(...job, { env: { SLURM_JOB_ID: '1234', SLURM_JOB_END_TIME: String(Math.round(Date.now() / 1000)) }, stop: 'SIGTERM' });
    expect(endCause(atLimit)).toBe('SIGTERM (SLURM job 1234, time limit reached)');
    const unknown = await runJob(...job, { env: { SLURM_JOB_ID: '1234', SLURM_JOB_END_TIME: undefined }, stop: 'SIGTERM' });
    expect(endCause(unknown)).toBe('SIGTERM (SLURM job 1234: time limit, scancel or preemption)');
  });

  it('says Ctrl-C for a SIGINT, and who sent a signal when the agent knows', async () => {
    const ended = await runJob(python, ['-c', 'import time\nprint("ready", flush=True)\ntime.sleep(30)'], { stop: 'SIGINT' });
    // Python dies of the SIGINT it re-raises after printing the KeyboardInterrupt traceback.
    expect(ended.signal).toBe('SIGINT');
    expect(ended.stderrTail).toContain('KeyboardInterrupt');
    expect(endCause(ended)).toBe('SIGINT (Ctrl-C)');
    expect(endCause({ ...ended, signal: 'SIGTERM', signalSender: "runmeter's --timeout" })).toBe("SIGTERM (runmeter's --timeout)");
  });

  it('reads a segmentation fault from its signal', async () => {
    const ended = await runJob(python, ['-c', 'import ctypes\nctypes.string_at(0)']);
    expect(endCause(ended)).toBe('SIGSEGV (segmentation fault)');
  });

  it('tells a process the shell saw killed (exit 137, "Killed") from the job dying of it', async () => {
    const ended = await runJob('bash', ['-c', 'sh -c "kill -9 \\$\\$"; exit $?']);
    expect(ended.exitCode).toBe(137);
    expect(ended.stderrTail).toMatch(/Killed/);
    expect(endCause(ended)).toBe('a process of the job was killed (SIGKILL; the shell printed "Killed")');
  });

  it('gives nothing for a job that succeeded, whatever it printed', async () => {
    const ended = await runJob(python, ['-c', 'import sys\ntry:\n    1/0\nexcept ZeroDivisionError:\n    import traceback; traceback.print_exc()']);
    expect(ended.exitCode).toBe(0);
    expect(ended.stderrTail).toContain('ZeroDivisionError');
    expect(endCause(ended)).toBeUndefined();
  });
});

describe('endCause on what failing GPU jobs printed (test/fixtures/end-cause)', () => {
  const failed = (stderrTail: string, more: Partial<Parameters<typeof endCause>[0]> = {}) => endCause({ exitCode: 1, stderrTail, env: {}, ...more });

  it('shortens CUDA out of memory to what was asked and what was free, in each PyTorch wording', () => {
    expect(failed(fixture('cuda-oom-2x.txt'))).toBe('CUDA out of memory: tried to allocate 22.00 MiB (GPU 0: 11.06 MiB free of 23.65 GiB)');
    expect(failed(fixture('cuda-oom-1x.txt'))).toBe('CUDA out of memory: tried to allocate 12.50 MiB (GPU 0: 9.28 GiB free of 10.92 GiB)');
    // Recorded on an H200 (torch 2.11, which names the exception torch.OutOfMemoryError); runmeter run said the same there.
    expect(failed(fixture('cuda-oom-h200.txt'))).toBe('CUDA out of memory: tried to allocate 400.00 GiB (GPU 0: 139.19 GiB free of 139.80 GiB)');
    expect(failed(fixture('cuda-oom-capacty.txt'))).toBe('CUDA out of memory: tried to allocate 55.57 GiB (GPU 0: 9.02 GiB free of 12.00 GiB)');
  });

  it('gives an NCCL error its reason and version, and a watchdog timeout its collective', () => {
    expect(failed(fixture('nccl-error.txt'))).toBe('NCCL error: unhandled system error (NCCL 2.19.3)');
    expect(failed(fixture('nccl-watchdog.txt'), { exitCode: undefined, signal: 'SIGABRT' })).toBe(
      'NCCL timeout: _REDUCE_SCATTER_BASE ran for 882725 ms (timeout 600000 ms) (SIGABRT)',
    );
  });

  it("reads torchrun's root-cause summary when no worker traceback came before it", () => {
    expect(failed(fixture('torchrun-root-cause.txt'))).toBe('torchrun worker rank 0 failed (exit 1)');
  });

  it("gives a worker's exception over torchrun's ChildFailedError, with the [rank0]: prefixes taken off", () => {
    const worker = ['Traceback (most recent call last):', '  File "train.py", line 9, in <module>', '    loss.backward()', 'RuntimeError: boom'];
    const launcher = [
      'Traceback (most recent call last):',
      '  File "/usr/bin/torchrun", line 8, in <module>',
      'torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ',
    ];
    const tail = [...worker.map((line) => `[rank0]: ${line}`), ...launcher, ...fixture('torchrun-root-cause.txt').split('\n')].join('\n');
    expect(failed(tail)).toBe('RuntimeError: boom');
  });
});

describe('endCause from what the sampler found', () => {
  it('puts the OOM killer first, with the peak and the limit', () => {
    const oom = { killed: true, peakRssBytes: 7.9 * 1024 ** 3, limitBytes: 8 * 1024 ** 3 };
    expect(endCause({ signal: 'SIGKILL', stderrTail: '', env: {}, oom })).toBe('out of memory (OOM killer), peak RSS 7.9 GiB of 8 GiB limit');
    expect(endCause({ exitCode: 1, stderrTail: 'RuntimeError: DataLoader worker (pid 12) is killed by signal: Killed.', env: {}, oom })).toBe(
      'out of memory (OOM killer), peak RSS 7.9 GiB of 8 GiB limit',
    );
    expect(endCause({ signal: 'SIGKILL', stderrTail: '', env: {}, oom: { killed: true, cgroupPeakBytes: 512 * 1024 ** 2 } })).toBe(
      'out of memory (OOM killer), cgroup memory peak 512 MiB',
    );
    expect(endCause({ signal: 'SIGKILL', stderrTail: '', env: {}, oom: { killed: false, peakRssBytes: 1 } })).toBe('SIGKILL');
  });

  it('names a GPU error the driver reported', () => {
    expect(endCause({ exitCode: 1, stderrTail: 'RuntimeError: CUDA error: unspecified launch failure', env: {}, gpuError: { gpu: 0, xid: 79 } })).toBe(
      'GPU 0 error: Xid 79 (GPU has fallen off the bus)',
    );
  });

  it('adds a NaN loss that preceded the end, from the step where it began', () => {
    const watch = new NonFiniteLossWatch();
    const point = (step: number, value: number, name = 'loss') => ({ series: { name, kind: 'training' as const }, time: step, step, value });
    watch.observe([point(1, 2.3), point(2, Number.NaN), point(2, 0.9, 'accuracy'), point(3, 1.5), point(4, Number.NaN), point(5, Number.NaN)]);
    expect(watch.atEnd()).toEqual({ name: 'loss', value: Number.NaN, step: 4 });
    const nonFiniteLoss = watch.atEnd();
    expect(endCause({ exitCode: 1, stderrTail: 'ValueError: loss is nan', env: {}, nonFiniteLoss })).toBe(
      'ValueError: loss is nan (after loss was NaN at step 4)',
    );
    expect(endCause({ signal: 'SIGKILL', stderrTail: '', env: {}, nonFiniteLoss })).toBe('SIGKILL (after loss was NaN at step 4)');
    expect(endCause({ exitCode: 3, stderrTail: '', env: {}, nonFiniteLoss })).toBe('loss was NaN at step 4 before the end');
    watch.observe([point(6, 1.2)]);
    expect(watch.atEnd()).toBeUndefined();
  });

  it('falls back to the last line that reads like an error, and to nothing', () => {
    expect(endCause({ exitCode: 2, stderrTail: "python3: can't open file '/work/trian.py': [Errno 2] No such file or directory\n", env: {} })).toBe(
      "python3: can't open file '/work/trian.py': [Errno 2] No such file or directory",
    );
    expect(endCause({ exitCode: 1, stderrTail: 'epoch 3 done\n', env: {} })).toBeUndefined();
  });
});

describe('gib', () => {
  it('writes sizes as people read them', () => {
    expect([gib(8 * 1024 ** 3), gib(7.94 * 1024 ** 3), gib(300 * 1024 ** 2), gib(123.4 * 1024 ** 3)]).toEqual(['8 GiB', '7.9 GiB', '300 MiB', '123 GiB']);
  });
});

describe('OutputTail', () => {
  it('keeps the last bytes only, from the first whole line, however the job wrote them', () => {
    const tail = new OutputTail(64);
    for (let i = 0; i < 100; i++) tail.push(Buffer.from(`line ${i}\n`));
    const text = tail.text();
    expect(text.endsWith('line 99\n')).toBe(true);
    expect(text.split('\n')[0]).toMatch(/^line \d+$/);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64);
    const one = new OutputTail(16);
    one.push(Buffer.from(`${'x'.repeat(100)}\nZeroDivisionError: é\n`));
    expect(one.text()).toBe('');
    const short = new OutputTail(64);
    short.push(Buffer.from('ValueError: é'));
    expect(short.text()).toBe('ValueError: é');
  });
});
