// runmeter's own stdout on a full disk (`runmeter run ... > file` with no space left, here /dev/full): the job is
// not told (its writes go to runmeter's pipe, which takes them), runmeter says once that it cannot pass the output
// on, and the run still records every point and the output byte for byte.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliPath, tempHome } from '../helpers/cli.js';
import { job, node, storedCount, storedStdout } from './helpers.js';

const COUNT = 300;
const expectedStdout = Array.from({ length: COUNT }, (_, i) => `${JSON.stringify({ metric: 'loss', value: 1 / (i + 1), step: i + 1 })}\n`).join('');

describe.skipIf(!fs.existsSync('/dev/full'))("runmeter's stdout on a full disk (/dev/full)", () => {
  it('keeps the job running to its own end, says so once, and records every point and byte', async () => {
    const home = tempHome();
    const full = fs.openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [cliPath, 'run', '--name', 'full', '--no-system', '--', node, job('two-streams.mjs'), String(COUNT), '1', '3'], {
      env: { ...process.env, RUNMETER_HOME: home, RUNMETER_STORE: '' },
      stdio: ['ignore', full, 'pipe'],
    });
    fs.closeSync(full);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    // two-streams.mjs exits 3 when it has printed everything: it was never told its output went nowhere.
    expect(code, stderr).toBe(3);
    expect(stderr.split('\n').filter((line) => line.includes('cannot pass the job'))).toEqual([
      "runmeter: warning: cannot pass the job's stdout on (ENOSPC); it is still recorded",
    ]);
    expect(await storedCount(home, 'full')).toBe(COUNT);
    expect((await storedStdout(home, 'full')).toString()).toBe(expectedStdout);
  }, 30_000);
});
