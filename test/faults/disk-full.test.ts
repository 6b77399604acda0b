import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { job, node, storedCount, storedStdout } from './helpers.js';

const disk = path.join(tempHome(), 'small-disk');
let mounted = '';
try {
  if (process.getuid?.() !== 0) throw new Error('not root');
  fs.mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk], { stdio: 'pipe' });
  mounted = disk;
} catch (error) {
  console.warn(`skipping the disk-full test: cannot mount an 8 MB tmpfs (${(error as Error).message.split('\n')[0]})`);
}
afterAll(() => {
  if (mounted !== '') execFileSync('umount', ['-l', mounted]);
});

describe.skipIf(mounted === '')('the store disk fills in the middle of a run', () => {
  it('keeps every point once and the output byte-exact, says so, and sync adds the rest once space is back', async () => {
    const home = tempHome();
    const store = path.join(disk, 'store');
    expect((await runCli(['run', '-q', '--no-system', '--store', store, '--', node, '-e', '0'], { home })).code).toBe(0);
    // Leave about 1.5 MB free; the job prints ~2.5 MB of output, so the disk fills during the run.
    const free = () => fs.statfsSync(disk).bavail * fs.statfsSync(disk).bsize;
    fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, free() - 1_500_000)));
    const result = await runCli(['run', '--no-system', '--store', store, '--name', 'full', '--', node, job('paced-metrics.mjs'), '4000', '5', '600'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout.toString().split('\n').filter(Boolean)).toHaveLength(4000);
    expect(result.stderr.toString()).toMatch(/ENOSPC|no space|full/i);
    fs.rmSync(path.join(disk, 'filler'));
    const sync = await runCli(['sync', '--store', store], { home });
    expect(sync.code, sync.stderr.toString()).toBe(0);
    const ref = ['--store', store];
    expect(await storedCount(home, `full`, 'loss', ref)).toBe(4000);
    expect((await storedStdout(home, 'full', ref)).equals(result.stdout)).toBe(true);
  }, 60_000);
});
