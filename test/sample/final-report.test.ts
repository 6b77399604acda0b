import { describe, expect, it } from 'vitest';
import { runCli, showJson, tempHome } from '../helpers/cli.js';

// `runmeter run` as users run it (the real binary: run `npx tsc -p tsconfig.json` first): the report made when the job
// exits carries the job's series, even when the job's last reading went into the report just before.

const burn = (ms: number) => `const start = Date.now(); let x = 0; while (Date.now() - start < ${ms}) x += Math.sqrt(x + 1);`;

describe('the final report of a run', () => {
  it('has job/cpu_percent at the end of a 2 s job reported every second', async () => {
    const home = tempHome();
    const run = await runCli(['run', '-q', '--interval', '1', '--sample-interval', '1', '--', process.execPath, '-e', burn(2000)], { home });
    expect(run.code).toBe(0);
    const { run: shown } = await showJson(home);
    const exported = await runCli(['export', 'last', '--format', 'jsonl'], { home });
    const rows = exported.stdout
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { series: string; time_ms: number; value: number });
    const times = (series: string) => rows.filter((row) => row.series === series).map((row) => row.time_ms);
    // The final report is stamped with the run's end time (or, on a busy machine, with the time of a reading the
    // sampler's timer took after the exit but before it heard of it: src/sample/sampler.ts, end), and it has the
    // machine's series and the job's.
    const end = Math.max(...times('system/memory_used_bytes'));
    expect(end).toBeGreaterThanOrEqual(shown.endTime as number);
    expect(end - (shown.endTime as number)).toBeLessThan(1000);
    expect(times('job/cpu_percent')).toContain(end);
    expect(times('job/memory_rss_bytes')).toContain(end);
    expect(rows.find((row) => row.series === 'job/cpu_percent' && row.time_ms === end)?.value).toBeGreaterThan(0);
  });
});
