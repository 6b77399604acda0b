// runmeter's own problems never reach the job: a failure injected (RUNMETER_TEST_FAIL, test only) into the parser,
// the system sampler, the store or the thread that moves the output leaves the job's streams byte for byte, its exit code, one warning naming the part,
// and every point the failure did not touch stored exactly once.
import { describe, expect, it } from 'vitest';
import { runCli, showJson, tempHome } from '../helpers/cli.js';
import { job, node, storedCount, storedStdout } from './helpers.js';

const COUNT = 300;
/** What two-streams.mjs prints: its stdout and its stderr, byte for byte. */
const expectedStdout = Array.from({ length: COUNT }, (_, i) => `${JSON.stringify({ metric: 'loss', value: 1 / (i + 1), step: i + 1 })}\n`).join('');
const expectedStderr = Array.from({ length: COUNT / 10 }, (_, i) => `progress: ${(i + 1) * 10} of ${COUNT} done\n`).join('');

async function runWithFault(fault: string, flags: string[] = ['--no-system']) {
  const home = tempHome();
  const result = await runCli(['run', '--name', 'faulty', ...flags, '--', node, job('two-streams.mjs'), String(COUNT), '2', '3'], {
    home,
    env: { RUNMETER_TEST_FAIL: fault },
  });
  const stderr = result.stderr.toString();
  const lines = stderr.split('\n');
  return {
    home,
    result,
    /** runmeter's own lines on stderr; the rest is the job's. */
    own: lines.filter((line) => line.startsWith('runmeter:')),
    jobStderr: lines.filter((line) => !line.startsWith('runmeter:')).join('\n'),
    faultWarnings: lines.filter((line) => line.includes('runmeter test fault')),
  };
}

/** The job's streams, exit code and stored output are as without runmeter, whatever failed inside it. */
async function expectJobUntouched(home: string, result: Awaited<ReturnType<typeof runCli>>, jobStderr: string): Promise<void> {
  expect(result.code, result.stderr.toString()).toBe(3);
  expect(result.stdout.toString()).toBe(expectedStdout);
  expect(jobStderr).toBe(expectedStderr);
  expect((await storedStdout(home, 'faulty')).toString()).toBe(expectedStdout);
  const storedStderr = await runCli(['logs', '--stderr', 'faulty'], { home });
  expect(storedStderr.stdout.toString()).toBe(expectedStderr);
  const { run } = await showJson(home, 'faulty');
  expect(run).toMatchObject({ status: 'failed', exitCode: 3 });
}

describe('a failure inside runmeter (RUNMETER_TEST_FAIL)', () => {
  it("in the parser, on line 100: that line's point is lost, every other line's is stored", async () => {
    const { home, result, jobStderr, faultWarnings } = await runWithFault('parse:100');
    await expectJobUntouched(home, result, jobStderr);
    expect(faultWarnings).toHaveLength(1);
    expect(faultWarnings[0]).toMatch(/^runmeter: warning: parsing the job's stdout failed at line 100 \(.*\); that line's metrics are not recorded/);
    expect(await storedCount(home, 'faulty')).toBe(COUNT - 1);
    const { series } = await showJson(home, 'faulty');
    // The lines after the failure were parsed: the last point is step 300's.
    expect(series.find((s) => s.name === 'loss')).toMatchObject({ last: 1 / COUNT, max: 1 });
  }, 30_000);

  it('in the system sampler, on its 3rd reading: the readings before and after are recorded, and every point', async () => {
    const { home, result, jobStderr, faultWarnings } = await runWithFault('sample:3', ['--sample-interval', '0.2', '--interval', '0.4']);
    await expectJobUntouched(home, result, jobStderr);
    expect(faultWarnings).toEqual([
      'runmeter: warning: system metrics: a reading failed: runmeter test fault: sample failed at reading 3 (RUNMETER_TEST_FAIL)',
    ]);
    expect(await storedCount(home, 'faulty')).toBe(COUNT);
    // 2 s of job at 0.4 s reports: the sampler went on after the failed reading.
    expect(await storedCount(home, 'faulty', 'job/cpu_percent')).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it("in the store, inside its 5th batch's transaction: the retry stores each point once", async () => {
    const { home, result, jobStderr, own, faultWarnings } = await runWithFault('store:5');
    await expectJobUntouched(home, result, jobStderr);
    expect(faultWarnings).toHaveLength(1);
    expect(faultWarnings[0]).toMatch(
      /^runmeter: warning: cannot write to \S+runmeter\.db \(runmeter test fault: store failed at batch 5 \(RUNMETER_TEST_FAIL\)\); keeping what is recorded and retrying$/,
    );
    expect(own.some((line) => line.includes('takes writes again'))).toBe(true);
    // The batch's points were written before the failure and rolled back with it: neither lost nor counted twice.
    expect(await storedCount(home, 'faulty')).toBe(COUNT);
  }, 30_000);

  it('in the output thread, before its 5th read: the main thread reads on from there, and every point is stored once', async () => {
    const { home, result, jobStderr, faultWarnings } = await runWithFault('pump:5');
    await expectJobUntouched(home, result, jobStderr);
    expect(faultWarnings).toEqual([
      "runmeter: warning: runmeter's output thread failed (runmeter test fault: pump failed at chunk 5 (RUNMETER_TEST_FAIL)); the main thread passes the job's output on",
    ]);
    expect(await storedCount(home, 'faulty')).toBe(COUNT);
  }, 30_000);
});
