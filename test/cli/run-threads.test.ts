// How runmeter's threads share the CPU with the job: parsing and storing yield, moving the output does not.

import { once } from 'node:events';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCli, tempHome } from '../helpers/cli.js';

/** The nice value of a thread (field 19 of /proc/PID/task/TID/stat). */
function niceOf(pid: number, tid: string): number {
  const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe.skipIf(process.platform !== 'linux')("runmeter's threads", () => {
  it('parse and store at nice 10, so that a flood of output is parsed after it passed through, never in its way', async () => {
    const home = tempHome();
    const { child, done } = startCli(['run', '--no-system', '--', 'sh', '-c', 'echo loss: 0.5; sleep 3'], { home });
    let said = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
    });
    // Once the run is recorded, the ingest worker is up and has lowered its own priority.
    while (!said.includes('recording run')) await once(child.stderr as NodeJS.EventEmitter, 'data');
    const pid = child.pid as number;
    // Relative to runmeter's own (the main thread's), whatever the test runner was started at.
    const base = niceOf(pid, String(pid));
    const nices = fs.readdirSync(`/proc/${pid}/task`).map((tid) => niceOf(pid, tid));
    const lowered = Math.min(19, base + 10);
    expect(nices.filter((nice) => nice === lowered)).toHaveLength(1);
    expect(nices.filter((nice) => nice !== lowered && nice !== base)).toEqual([]);
    expect((await done).code).toBe(0);
  }, 20_000);
});
