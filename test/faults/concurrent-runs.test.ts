import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { job, node, storedCount, storedStdout } from './helpers.js';

describe('20 runs at once on one store', () => {
  it('stores 20 × N points and each run its own output byte-exact', async () => {
    const home = tempHome();
    const perRun = 100;
    const runs = Array.from({ length: 20 }, (_, i) =>
      runCli(['run', '-q', '--no-system', '--name', `c${i}`, '--', node, job('paced-metrics.mjs'), String(perRun), '1', String(i)], { home }),
    );
    const results = await Promise.all(runs);
    let total = 0;
    for (const [i, result] of results.entries()) {
      expect(result.code, result.stderr.toString()).toBe(0);
      total += await storedCount(home, `c${i}`);
      expect((await storedStdout(home, `c${i}`)).equals(result.stdout)).toBe(true);
    }
    expect(total).toBe(20 * perRun);
  }, 150_000);
});
