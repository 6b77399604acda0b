import { describe, expect, it } from 'vitest';
import { jobsDir, lsJson, runCli, showJson, startCli, tempHome, waitFor } from '../helpers/cli.js';

const node = process.execPath;
const job = (name: string) => `${jobsDir}/${name}`;

describe('reading runs back', () => {
  it('lists runs newest first, as JSON with key metrics, and as a table', async () => {
    const home = tempHome();
    await runCli(['run', '-q', '--name', 'first', '--', node, job('print-and-exit.mjs'), '0'], { home });
    await runCli(['run', '-q', '--name', 'second', '--', node, job('print-and-exit.mjs'), '1'], { home });
    const runs = (await lsJson(home)) as Array<{ name: string; status: string; metrics: Array<{ name: string }>; durationMs: number }>;
    expect(runs.map((r) => [r.name, r.status])).toEqual([
      ['second', 'failed'],
      ['first', 'succeeded'],
    ]);
    expect(runs[0]?.metrics.map((m) => m.name)).toEqual(['loss', 'accuracy']);
    expect(runs[0]?.durationMs).toBeGreaterThan(0);
    const table = (await runCli(['ls'], { home })).stdout.toString();
    expect(table.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATUS\s+STARTED\s+DURATION\s+METRICS/);
    expect(table).toContain('accuracy=0.5');
    const failed = await lsJson(home, ['--status', 'failed']);
    expect(failed).toHaveLength(1);
    const bad = await runCli(['ls', '--status', 'weird'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr.toString()).toContain('--status expects one of running, succeeded, failed, killed, lost, got "weird"');
  });

  it('shows a run by name, prefix and last, with metadata and series', async () => {
    const home = tempHome();
    await runCli(
      ['run', '-q', '--name', 'mnist', '--param', 'lr=0.1', '--param', 'opt=adam', '--tag', 'baseline', '--', node, job('print-and-exit.mjs'), '0'],
      { home },
    );
    const shown = await showJson(home, 'mnist');
    expect(shown.run).toMatchObject({ name: 'mnist', status: 'succeeded', exitCode: 0, params: { lr: 0.1, opt: 'adam' }, tags: ['baseline'], source: 'run' });
    expect(shown.run.host).toBeTruthy();
    expect(shown.run.version).toMatch(/^\d+\.\d+\.\d+/);
    expect((await showJson(home, String(shown.run.id).slice(0, 4))).run.id).toBe(shown.run.id);
    const text = (await runCli(['show', 'mnist'], { home })).stdout.toString();
    expect(text).toContain('status    succeeded (exit 0)');
    expect(text).toContain('params    lr=0.1 opt="adam"');
    expect(text).toMatch(/training\s+accuracy\s+training\s+1\s+0.5/);
  });

  it('names the closest runs when a run is not found', async () => {
    const home = tempHome();
    await runCli(['run', '-q', '--name', 'resnet50', '--', node, job('print-and-exit.mjs'), '0'], { home });
    const missing = await runCli(['show', 'resnet5O'], { home });
    expect(missing.code).toBe(1);
    expect(missing.stderr.toString()).toContain('no run matches "resnet5O"');
    expect(missing.stderr.toString()).toContain('closest names: resnet50');
  });

  it('prints logs byte for byte, each stream to its own, in arrival order', async () => {
    const home = tempHome();
    const run = await runCli(['run', '-q', '--', node, job('print-and-exit.mjs'), '0'], { home });
    const logs = await runCli(['logs', 'last'], { home });
    expect(logs.stdout.equals(run.stdout)).toBe(true);
    expect(logs.stderr.equals(run.stderr)).toBe(true);
    expect((await runCli(['logs', 'last', '--stderr'], { home })).stdout.toString()).toBe('warming up\n');
    const both = await runCli(['logs', 'last', '--stdout', '--stderr'], { home });
    expect(both.code).toBe(2);
  });

  it('follows the log of a running job until it ends', async () => {
    const home = tempHome();
    // 5 s of output: long enough for `ls` to see it running on a loaded machine.
    const { done } = startCli(['run', '-q', '--', node, job('slow-metrics.mjs'), '5'], { home });
    await waitFor(async () => (await runCli(['ls', '--json'], { home })).stdout.toString().includes('running'), 10_000, 'the run to start');
    const followed = await runCli(['logs', 'last', '-f'], { home });
    const run = await done;
    expect(followed.stdout.toString()).toBe(run.stdout.toString());
    expect(followed.stdout.toString().split('\n').filter(Boolean)).toHaveLength(50);
  });

  it('deletes runs with rm --yes and refuses without a terminal or --yes', async () => {
    const home = tempHome();
    await runCli(['run', '-q', '--name', 'keep', '--', node, job('print-and-exit.mjs'), '0'], { home });
    await runCli(['run', '-q', '--name', 'drop', '--', node, job('print-and-exit.mjs'), '0'], { home });
    const refused = await runCli(['rm', 'drop'], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr.toString()).toContain('will delete 1 run');
    expect(refused.stderr.toString()).toContain('pass --yes');
    const removed = await runCli(['rm', 'drop', '--yes'], { home });
    expect(removed.code).toBe(0);
    expect(removed.stderr.toString()).toMatch(/deleted 1 run, freed/);
    const runs = await lsJson(home);
    expect(runs.map((r) => r.name)).toEqual(['keep']);
  });

  it('collects finished runs older than an age, by status, never running ones', async () => {
    const home = tempHome();
    await runCli(['run', '-q', '--name', 'ok', '--', node, job('print-and-exit.mjs'), '0'], { home });
    await runCli(['run', '-q', '--name', 'bad', '--', node, job('print-and-exit.mjs'), '1'], { home });
    const { child, done } = startCli(['run', '-q', '--name', 'live', '--', node, job('wait-for-signal.mjs')], { home });
    await waitFor(async () => (await runCli(['ls', '--json'], { home })).stdout.toString().includes('"live"'), 10_000, 'the live run');
    const dry = await runCli(['gc', '--older-than', '0s', '--status', 'failed', '--dry-run'], { home });
    expect(dry.stderr.toString()).toContain('would delete 1 run');
    await runCli(['gc', '--older-than', '0s', '--yes'], { home });
    const names = (await lsJson(home)).map((r) => r.name);
    expect(names).toEqual(['live']);
    child.kill('SIGTERM');
    await done;
    const badAge = await runCli(['gc', '--older-than', 'soon'], { home });
    expect(badAge.stderr.toString()).toContain('--older-than expects an age such as 30d');
  });
});
