import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { job, node } from './helpers.js';

describe('20 runs at once on one store', () => {
  it('stores 20 × N points and each run its own output byte-exact', async () => {
    const home = tempHome();
    const perRun = 100;
    const runs = Array.from({ length: 20 }, (_, i) =>
      runCli(['run', '-q', '--no-system', '--name', `c${i}`, '--', node, job('paced-metrics.mjs'), String(perRun), '1', String(i)], { home }),
    );
    const results = await Promise.all(runs);
    // Read the store in-process: 40 more CLI starts would double the test's time on a busy machine.
    const store = openStore(home, {});
    try {
      let total = 0;
      for (const [i, result] of results.entries()) {
        expect(result.code, result.stderr.toString()).toBe(0);
        const run = await store.resolveRun(`c${i}`);
        total += (await store.listSeries(run.id)).find((s) => s.name === 'loss')?.count ?? 0;
        const size = await store.outputSize(run.id, 'stdout');
        expect(Buffer.from(await store.readOutput(run.id, 'stdout', 0, size)).equals(result.stdout)).toBe(true);
      }
      expect(total).toBe(20 * perRun);
    } finally {
      await store.close();
    }
  }, 150_000);
});
