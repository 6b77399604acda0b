import { describe, expect, it } from 'vitest';
import { runCli, showJson, tempHome } from '../helpers/cli.js';
import { job, node, storedCount, storedStdout } from './helpers.js';

// The 3 M line case and its peak RSS live in bench/faults.bench.mjs; 200,000 lines keep the suite quick.
describe('a job printing malformed metric lines', () => {
  it('completes, records the valid lines and system metrics, and bounds its warnings', async () => {
    const home = tempHome();
    const lines = 200_000;
    const result = await runCli(['run', '--name', 'bad', '--interval', '1', '--', node, job('malformed-metrics.mjs'), String(lines)], { home });
    expect(result.code).toBe(0);
    expect(result.stdout.toString().split('\n').filter(Boolean)).toHaveLength(lines);
    expect(await storedCount(home, 'bad', 'ok')).toBe(lines / 1000);
    // System metrics kept being sampled while the parser rejected lines.
    const { series } = await showJson(home, 'bad');
    expect(series.find((s) => s.name === 'job/cpu_percent')?.count).toBeGreaterThan(0);
    expect((await storedStdout(home, 'bad')).equals(result.stdout)).toBe(true);
    // First 20 in full, then a summary: not one warning per line.
    const warnings = result.stderr.toString().split('\n').filter(Boolean);
    expect(warnings.length).toBeLessThan(40);
    expect(warnings.length).toBeGreaterThan(20);
  }, 90_000);
});
