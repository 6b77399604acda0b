// The job's channel (RUNMETER_CHANNEL), as the Python client uses it, driven here by a Node job speaking the same
// messages: every point the job sends is stored once in the agent's run, whatever the job does after sending it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobsDir, root, runCli, tempHome } from '../helpers/cli.js';

const job = (name: string) => path.join(jobsDir, name);
const node = process.execPath;

/** The newest run and its series (name, context, count of points), as `runmeter show --json` gives them. */
async function shown(home: string): Promise<{ run: Record<string, unknown>; series: Array<{ name: string; context?: string; count: number }> }> {
  const result = await runCli(['show', 'last', '--json'], { home });
  expect(result.code, result.stderr.toString()).toBe(0);
  return JSON.parse(result.stdout.toString());
}

describe('runmeter run: the channel of the Python client', () => {
  it('stores every point a job logs through it, once, in the run runmeter records, with its params and tags', async () => {
    const home = tempHome();
    const result = await runCli(['run', '--no-system', '--', node, job('channel-client.mjs'), '20000', '500'], { home });
    expect(result.code, result.stderr.toString()).toBe(0);
    expect(result.stdout.toString()).toBe('answers: welcome,flushed\n');
    const { run, series } = await shown(home);
    expect(run.params).toMatchObject({ lr: 0.1, layers: [32, 10] });
    expect(run.tags).toEqual(['channel']);
    const loss = series.filter((s) => s.name === 'loss');
    expect(loss.map((s) => s.context)).toEqual(['training']);
    expect(loss[0]?.count).toBe(20_000);
    const ls = JSON.parse((await runCli(['ls', '--json'], { home })).stdout.toString());
    expect(ls.runs).toHaveLength(1); // one run: the client joined the agent's, it did not make another
  });

  it("records what a job sent before it was killed, without a flush, and the job's own status", async () => {
    const home = tempHome();
    const result = await runCli(['run', '--no-system', '--', node, job('channel-client.mjs'), '5000', '250', 'die'], { home });
    expect(result.code).toBe(137);
    const { run, series } = await shown(home);
    expect(run.status).toBe('killed');
    expect(series.find((s) => s.name === 'loss')?.count).toBe(5000);
  });

  it('says which message was wrong and why, records the good ones, and never fails the job', async () => {
    const home = tempHome();
    const result = await runCli(['run', '--no-system', '--', node, job('channel-client.mjs'), '100', '100', 'bad'], { home });
    expect(result.code).toBe(0);
    const stderr = result.stderr.toString();
    expect(stderr).toContain('log_metric: 1 of 1 points refused; the first: expected step to be a finite number, got "one"');
    expect(stderr).toContain('channel message "flops": expected per to be "batch" or "epoch", got "week"');
    expect(stderr).toMatch(/channel: a line that is not JSON .*: not json/);
    expect(result.stdout.toString()).toBe('answers: welcome,error,error,error,flushed\n');
    const { series } = await shown(home);
    expect(series.find((s) => s.name === 'loss')?.count).toBe(100);
  });

  it('puts python/ on the PYTHONPATH, names the channel and runmeter, and removes the private folder after the run', async () => {
    const home = tempHome();
    const result = await runCli(['run', '-q', '--', node, job('print-env.mjs')], { home, input: '', env: { PYTHONPATH: '/opt/mine' } });
    const seen = JSON.parse(result.stdout.toString());
    expect(seen.pythonPath).toBe(`${path.join(root, 'python')}${path.delimiter}/opt/mine`);
    expect(seen.bin).toBe(path.join(root, 'bin', 'runmeter'));
    expect(path.basename(seen.channel)).toBe('channel.sock');
    expect(fs.existsSync(path.dirname(seen.channel))).toBe(false);

    const off = await runCli(['run', '-q', '--no-python-client', '--', node, job('print-env.mjs')], { home, input: '', env: { PYTHONPATH: '/opt/mine' } });
    expect(JSON.parse(off.stdout.toString())).toMatchObject({ channel: null, pythonPath: '/opt/mine', bin: null });
  });
});
