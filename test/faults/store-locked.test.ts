import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, tempHome } from '../helpers/cli.js';
import { job, node, openSqlite, storedCount, storedStdout } from './helpers.js';

describe('a store locked for longer than 10 s when the run starts', () => {
  it('records the run in full once the lock goes', async () => {
    const home = tempHome();
    expect((await runCli(['run', '-q', '--no-system', '--', node, '-e', '0'], { home })).code).toBe(0);
    const db = openSqlite(path.join(home, 'runmeter.db'));
    db.exec('BEGIN EXCLUSIVE');
    const { done } = startCli(['run', '-q', '--no-system', '--name', 'locked', '--', node, job('paced-metrics.mjs'), '500', '14'], { home });
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    db.exec('ROLLBACK');
    db.close();
    const result = await done;
    expect(result.code).toBe(0);
    expect(await storedCount(home, 'locked')).toBe(500);
    expect((await storedStdout(home, 'locked')).equals(result.stdout)).toBe(true);
  }, 60_000);
});
