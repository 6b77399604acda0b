import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runCli, showJson, startCli, tempHome } from '../helpers/cli.js';

describe('orphaned children holding the pipe', () => {
  it("ends the run when the main process exits: sh -c 'sleep 20 & exit 3' takes ~0 s and exits 3", async () => {
    const home = tempHome();
    const started = Date.now();
    const result = await runCli(['run', '-q', '--no-system', '--output-grace', '1', '--', 'sh', '-c', 'sleep 20 & exit 3'], { home });
    const took = Date.now() - started;
    expect(result.code).toBe(3);
    // runmeter waits at most the output grace (1 s) after the exit, never the orphan's 20 s.
    expect(took).toBeLessThan(10_000);
    const { run } = await showJson(home);
    expect(run.exitCode).toBe(3);
    expect((run.endTime as number) - (run.startTime as number)).toBeLessThan(1_000);
  }, 20_000);

  it('takes the duration from the main process when a child killed with it keeps writing', async () => {
    const home = tempHome();
    // The main process dies at ~1 s; its child keeps the pipe open and prints for 3 s more.
    const script = '(for i in 1 2 3 4 5 6; do echo child $i; sleep 0.5; done) & sleep 1; kill -9 $$';
    const result = await runCli(['run', '-q', '--no-system', '--output-grace', '5', '--', 'sh', '-c', script], { home });
    expect(result.code).toBe(137);
    const { run } = await showJson(home);
    const duration = (run.endTime as number) - (run.startTime as number);
    expect(duration).toBeGreaterThan(800);
    expect(duration).toBeLessThan(2_500);
    // What the child wrote within the grace is still passed through and recorded.
    expect(result.stdout.toString()).toContain('child 6');
  }, 20_000);

  it('stops at once on a second interrupt while an orphan holds the output (the output thread is woken to let it go)', async () => {
    const home = tempHome();
    const { child, done } = startCli(['run', '--no-system', '--output-grace', '60', '--', 'sh', '-c', 'sleep 60 & echo started; exit 0'], { home });
    let said = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
    });
    while (!said.includes('recording run')) await once(child.stderr as NodeJS.EventEmitter, 'data');
    child.kill('SIGINT');
    while (!said.includes('interrupt again')) await once(child.stderr as NodeJS.EventEmitter, 'data');
    child.kill('SIGINT');
    // Without the wake-up, Node's exit waits for the output thread, blocked in poll(2) until the orphan's 60 s end.
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('started\n');
  }, 30_000);
});
