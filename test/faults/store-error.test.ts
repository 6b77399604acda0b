import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli, tempHome, waitFor } from '../helpers/cli.js';
import { job, node, openSqlite, storedCount, storedStdout } from './helpers.js';

describe('a store whose writes fail for a while mid-run', () => {
  it('stores every printed point exactly once and the output byte-exact', async () => {
    const home = tempHome();
    expect((await runCli(['run', '-q', '--no-system', '--', node, '-e', '0'], { home })).code).toBe(0);
    const { child, done } = startCli(['run', '--no-system', '--name', 'faulty', '--', node, job('paced-metrics.mjs'), '3000', '4'], { home });
    let printed = '';
    child.stdout?.on('data', (chunk: Buffer) => (printed += chunk));
    await waitFor(() => printed.split('\n').length > 300, 10_000, 'the job to print its first points');
    // Standing in for SQLITE_FULL or an I/O error: every series update fails inside the batch's transaction.
    const db = openSqlite(path.join(home, 'runmeter.db'));
    db.exec("CREATE TRIGGER fail BEFORE UPDATE ON series BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    db.exec('DROP TRIGGER fail');
    db.close();
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout.toString().split('\n').filter(Boolean)).toHaveLength(3000);
    // The fault really happened: runmeter said so, and said when the store took writes again.
    expect(result.stderr.toString()).toContain('disk I/O error');
    expect(result.stderr.toString()).toContain('takes writes again');
    expect(await storedCount(home, 'faulty')).toBe(3000);
    expect((await storedStdout(home, 'faulty')).equals(result.stdout)).toBe(true);
  }, 30_000);
});
