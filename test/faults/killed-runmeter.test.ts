import { describe, expect, it } from 'vitest';
import { runCli, showJson, startCli, tempHome, waitFor } from '../helpers/cli.js';
import { job, node, storedCount } from './helpers.js';

describe('runmeter SIGKILLed mid-run', () => {
  it('keeps the committed points once and marks the run lost at its last sign of life, not its start', async () => {
    const home = tempHome();
    // The job is killed with runmeter (same process group), as when the whole session dies.
    const { child, done } = startCli(['run', '-q', '--no-system', '--name', 'killed', '--', node, job('paced-metrics.mjs'), '2000', '6'], { home });
    let printed = 0;
    child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString().split('\n').length - 1));
    await waitFor(() => printed >= 800, 20_000, 'the job to print 800 points');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGKILL');
    await done;
    // The next command finds the run lost.
    const ls = await runCli(['ls'], { home });
    expect(ls.code).toBe(0);
    const { run } = await showJson(home, 'killed');
    expect(run.status).toBe('lost');
    const stored = await storedCount(home, 'killed');
    // Every committed batch is there once: never more than printed, and not nothing.
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThanOrEqual(printed);
    // It printed for well over a second before the kill: its end is its last point, not its start.
    expect((run.endTime as number) - (run.startTime as number)).toBeGreaterThan(1_000);
  }, 60_000);
});
