import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobsDir, lsJson, runCli, showJson, startCli, tempHome, waitFor } from '../helpers/cli.js';

const job = (name: string) => path.join(jobsDir, name);
const node = process.execPath;

describe('runmeter run', () => {
  it('passes stdout and stderr through byte for byte and exits with the job status', async () => {
    const home = tempHome();
    const result = await runCli(['run', '--name', 'bytes', '--', node, job('print-and-exit.mjs'), '3'], { home });
    expect(result.code).toBe(3);
    expect(result.stdout.toString()).toBe(
      '{"metric": "loss", "value": 0.25, "step": 1}\n{"metric": "loss", "value": NaN, "step": 2}\n{"metric": "accuracy", "value": 0.5, "epoch": 1}\n',
    );
    expect(result.stderr.toString()).toContain('warming up\n');
    const shown = await showJson(home);
    expect(shown.run.status).toBe('failed');
    expect(shown.run.exitCode).toBe(3);
    const loss = shown.series.find((s) => s.name === 'loss');
    expect(loss).toMatchObject({ count: 2, last: 'NaN', min: 0.25, max: 0.25, firstStep: 1, lastStep: 2 });
  });

  it('keeps binary junk, invalid UTF-8 and escapes byte-exact, and still finds the metric among them', async () => {
    const home = tempHome();
    const direct = await new Promise<{ out: Buffer; err: Buffer }>((resolve) => {
      const child = spawn(node, [job('binary-junk.mjs')]);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('close', () => resolve({ out: Buffer.concat(out), err: Buffer.concat(err) }));
    });
    const result = await runCli(['run', '-q', '--', node, job('binary-junk.mjs')], { home });
    expect(result.code).toBe(0);
    expect(result.stdout.equals(direct.out)).toBe(true);
    expect(result.stderr.equals(direct.err)).toBe(true);
    const logs = await runCli(['logs', 'last', '--stdout'], { home });
    expect(logs.stdout.equals(direct.out)).toBe(true);
    const shown = await showJson(home);
    expect(shown.series.find((s) => s.name === 'loss')).toMatchObject({ count: 1, last: 1.5 });
  });

  it('parses a last line that has no trailing newline', async () => {
    const home = tempHome();
    const result = await runCli(['run', '--', node, job('no-newline.mjs')], { home });
    expect(result.stdout.toString()).toBe('{"metric": "loss", "value": 0.125, "step": 7}');
    const shown = await showJson(home);
    expect(shown.series.find((s) => s.name === 'loss')).toMatchObject({ count: 1, last: 0.125, lastStep: 7 });
  });

  it('stores every point of a job that prints 20,000 metric lines at once', async () => {
    const home = tempHome();
    await runCli(['run', '-q', '--no-system', '--', node, job('metric-flood.mjs'), '20000'], { home });
    const shown = await showJson(home);
    expect(shown.series.find((s) => s.name === 'loss')).toMatchObject({ count: 20000, firstStep: 0, lastStep: 19999, max: 1 });
  });

  it('gives the job RUNMETER_RUN_ID, RUNMETER_STORE, PYTHONUNBUFFERED, its working directory and our stdin', async () => {
    const home = tempHome();
    const cwd = fs.mkdtempSync(path.join(home, 'cwd-'));
    const result = await runCli(['run', '-q', '--', node, job('print-env.mjs')], { home, cwd, input: 'hello job\n' });
    const seen = JSON.parse(result.stdout.toString());
    const shown = await showJson(home);
    expect(seen).toMatchObject({ runId: shown.run.id, unbuffered: '1', cwd: fs.realpathSync(cwd), input: 'hello job\n' });
    expect(seen.store).toBe(home);
    expect(shown.run.cwd).toBe(cwd);

    const kept = await runCli(['run', '-q', '--no-python-unbuffered', '--', node, job('print-env.mjs')], { home, input: '' });
    expect(JSON.parse(kept.stdout.toString()).unbuffered).toBeNull();
    const userSet = await runCli(['run', '-q', '--', node, job('print-env.mjs')], { home, input: '', env: { PYTHONUNBUFFERED: '0' } });
    expect(JSON.parse(userSet.stdout.toString()).unbuffered).toBe('0');
  });

  it('exits 127 for a missing command and 126 for one that is not executable, recording both as failed', async () => {
    const home = tempHome();
    const missing = await runCli(['run', '--', 'no-such-command-xyz'], { home });
    expect(missing.code).toBe(127);
    expect(missing.stderr.toString()).toContain('command not found: no-such-command-xyz');
    expect((await showJson(home)).run).toMatchObject({ status: 'failed', exitCode: 127, reason: 'command not found: no-such-command-xyz' });

    const notExecutable = path.join(home, 'script.sh');
    fs.writeFileSync(notExecutable, 'echo hi\n', { mode: 0o644 });
    const denied = await runCli(['run', '--', notExecutable], { home });
    expect(denied.code).toBe(126);
    expect((await showJson(home)).run).toMatchObject({ status: 'failed', exitCode: 126 });
  });

  it('stores a burst of points while the job is still running, not only when it ends', async () => {
    const home = tempHome();
    const { child, done } = startCli(['run', '-q', '--name', 'burst', '--', node, job('burst-then-wait.mjs'), '50000'], { home });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk));
    await waitFor(() => out.includes('ready'), 10_000, 'the burst');
    const count = async () => ((await showJson(home, 'burst')).series.find((s) => s.name === 'loss')?.count as number | undefined) ?? 0;
    // The run may not be in the store at the first look (a loaded machine): not found reads as nothing stored yet.
    await waitFor(async () => (await count().catch(() => 0)) === 50_000, 10_000, 'all 50000 points stored while the job waits');
    const [series] = (await showJson(home, 'burst')).series.filter((s) => s.name === 'loss');
    expect(series).toMatchObject({ firstStep: 0, lastStep: 49_999, max: 1 });
    child.kill('SIGTERM');
    await done;
  });

  it('forwards SIGTERM to the job and exits with its status', async () => {
    const home = tempHome();
    const { child, done } = startCli(['run', '--', node, job('wait-for-signal.mjs')], { home });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk));
    await waitFor(() => out.includes('ready'), 10_000, 'the job to start');
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(143);
    expect(out).toContain('got SIGTERM');
    expect((await showJson(home)).run).toMatchObject({ status: 'killed', signal: 'SIGTERM', exitCode: 143 });
  });

  it('kills the process group after the grace period when the job ignores SIGTERM', async () => {
    const home = tempHome();
    const { child, done } = startCli(['run', '--grace', '0.5', '--', node, job('ignore-sigterm.mjs')], { home });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk));
    await waitFor(() => out.includes('ready'), 10_000, 'the job to start');
    child.kill('SIGTERM');
    const result = await done;
    expect(out).toContain('ignoring SIGTERM');
    expect(result.code).toBe(137);
    expect(result.stderr.toString()).toContain('killing its process group');
    expect((await showJson(home)).run).toMatchObject({ status: 'killed', signal: 'SIGKILL' });
  });

  it('stops the whole process tree, children included', async () => {
    const home = tempHome();
    const { child, done } = startCli(['run', '--', node, job('fork-children.mjs'), '2'], { home });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk));
    await waitFor(() => (out.match(/child \d+/g) ?? []).length === 2 && out.includes('parent'), 10_000, 'the children to start');
    const pids = [...out.matchAll(/child (\d+)/g)].map((m) => Number(m[1]));
    child.kill('SIGTERM');
    await done;
    await waitFor(
      () =>
        pids.every((pid) => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        }),
      5000,
      'the children to exit',
    );
  });

  it('marks a run lost when runmeter itself dies, at the next start', async () => {
    const home = tempHome();
    const { child, done } = startCli(['run', '--name', 'doomed', '--', node, job('wait-for-signal.mjs')], { home });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk));
    await waitFor(() => out.includes('ready') && err.includes('recording run'), 10_000, 'the job to start and its run to exist');
    child.kill('SIGKILL');
    await done;
    const runs = await lsJson(home);
    expect(runs.find((r) => r.name === 'doomed')?.status).toBe('lost');
    // The job itself never learned that runmeter died (it does not write); stop it.
    process.kill(Number(/ready (\d+)/.exec(out)?.[1]), 'SIGTERM');
  });

  it('runs the job and passes its output through when the store cannot even be created; the spool it names adds the whole run elsewhere', async () => {
    const home = tempHome();
    // A path under a regular file cannot be created, whoever runs the test (root included).
    const result = await runCli(['run', '--store', '/dev/null/runs/x.db', '--', node, job('print-and-exit.mjs'), '5'], { home });
    expect(result.code).toBe(5);
    expect(result.stdout.toString()).toBe(
      '{"metric": "loss", "value": 0.25, "step": 1}\n{"metric": "loss", "value": NaN, "step": 2}\n{"metric": "accuracy", "value": 0.5, "epoch": 1}\n',
    );
    const stderr = result.stderr.toString();
    expect(stderr).toContain('warming up');
    expect(stderr.match(/cannot write to \/dev\/null\/runs\/x\.db/g)).toHaveLength(1);
    expect(stderr).not.toContain('recording run');
    const spool = /points wait in (\S+);/.exec(stderr)?.[1] as string;
    expect(fs.statSync(spool).mode & 0o777).toBe(0o700);
    // `sync --from` adds the spool to another store: the run, its end, its points and its output, byte-exact.
    const other = path.join(home, 'other');
    const synced = await runCli(['sync', '--from', spool, '--store', other], { home });
    expect(synced.stdout.toString()).toMatch(/^added \d+ points \(\d+ batches?\) of run /);
    expect(fs.existsSync(spool)).toBe(false);
    const shown = JSON.parse((await runCli(['show', 'last', '--json', '--store', other], { home })).stdout.toString());
    expect(shown.run).toMatchObject({ name: 'print-and-exit.mjs', status: 'failed', exitCode: 5, command: [node, job('print-and-exit.mjs'), '5'] });
    expect(shown.series.find((s: { name: string }) => s.name === 'accuracy')).toMatchObject({ count: 1 });
    expect(shown.series.find((s: { name: string }) => s.name === 'loss')).toMatchObject({ count: 2 });
    expect((await runCli(['logs', 'last', '--store', other], { home })).stdout).toEqual(result.stdout);
    expect((await runCli(['logs', 'last', '--stderr', '--store', other], { home })).stdout.toString()).toContain('warming up');
    // A second sync finds nothing left.
    expect((await runCli(['sync', '--store', other], { home })).stdout.toString()).toMatch(/^nothing waits for /);
  });

  it('says which line looked like metrics when none was found, with a --pattern that reads it', async () => {
    const home = tempHome();
    const script = 'for i in 1 2 3; do echo "batch=$i|lossval=0.$i"; done';
    const first = await runCli(['run', '--no-system', '--', 'sh', '-c', script], { home });
    const hint = /no training metrics found in the job's output; its stdout line \d+ looks like some: batch=\d\|lossval=0\.\d; try --pattern '(.*)'\n/.exec(
      first.stderr.toString(),
    );
    expect(hint).not.toBeNull();
    const second = await runCli(['run', '-q', '--no-system', '--pattern', hint?.[1] as string, '--', 'sh', '-c', script], { home });
    expect(second.stderr.toString()).toBe('');
    const shown = await showJson(home);
    expect(shown.series.find((s) => s.name === 'lossval')).toMatchObject({ count: 3, last: 0.3 });
  });

  it('records why a Python job failed: its last exception, and CUDA running out of memory', async () => {
    const home = tempHome();
    const failed = await runCli(['run', '-q', '--no-system', '--', '/usr/bin/python3', '-c', 'x = {}["nokey"]'], { home });
    expect(failed.code).toBe(1);
    expect((await showJson(home)).run.cause).toBe("KeyError: 'nokey'");
    const oom = 'raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.10 GiB total capacity)")';
    await runCli(['run', '-q', '--no-system', '--', '/usr/bin/python3', '-c', oom], { home });
    expect(String((await showJson(home)).run.cause)).toMatch(/CUDA out of memory/);
  });

  it('is silent with --quiet apart from the job', async () => {
    const home = tempHome();
    const result = await runCli(['run', '--quiet', '--', node, job('print-and-exit.mjs'), '0'], { home });
    expect(result.stderr.toString()).toBe('warming up\n');
  });
});
