import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobsDir, runCli, showJson, startCli, tempHome, waitFor } from '../helpers/cli.js';

const job = (name: string) => path.join(jobsDir, name);
const node = process.execPath;

/** Starts `runmeter run` on a job and waits until the job says it is ready. */
async function started(home: string, args: string[]) {
  const run = startCli(['run', ...args], { home });
  let out = '';
  let err = '';
  run.child.stdout?.on('data', (chunk: Buffer) => (out += chunk));
  run.child.stderr?.on('data', (chunk: Buffer) => (err += chunk));
  await waitFor(() => out.includes('ready'), 10_000, 'the job to start');
  return { ...run, out: () => out, err: () => err };
}

describe('runmeter run and signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const)('forwards one %s to the job, which handles it and exits with its status', async (signal, code) => {
    const home = tempHome();
    const run = await started(home, ['--', node, job('wait-for-signal.mjs')]);
    run.child.kill(signal);
    const result = await run.done;
    expect(run.out()).toContain(`got ${signal}`);
    expect(result.code).toBe(code);
    expect((await showJson(home)).run).toMatchObject({ status: 'killed', exitCode: code, signal });
  });

  it('kills the job on a second SIGINT when it ignores the first', async () => {
    const home = tempHome();
    const run = await started(home, ['--', node, job('ignore-signals.mjs')]);
    run.child.kill('SIGINT');
    await waitFor(() => run.out().includes('ignoring SIGINT'), 10_000, 'the job to ignore the first SIGINT');
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(137);
    expect(run.err()).toContain('second interrupt: killing the job');
    expect((await showJson(home)).run).toMatchObject({ status: 'killed', signal: 'SIGKILL', exitCode: 137 });
  });

  it('records a job that kills itself with a signal as killed, with 128 + the signal as its status', async () => {
    const home = tempHome();
    const result = await runCli(['run', '--', node, job('kill-self.mjs'), 'SIGALRM'], { home });
    expect(result.code).toBe(142);
    const shown = await showJson(home);
    expect(shown.run).toMatchObject({ status: 'killed', signal: 'SIGALRM', exitCode: 142 });
    expect(shown.series.find((s) => s.name === 'loss')).toMatchObject({ count: 1, last: 0.5 });
  });
});
