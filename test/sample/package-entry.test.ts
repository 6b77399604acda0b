import { afterEach, describe, expect, it } from 'vitest';
import { createSystemSampler, type SystemSampler } from '../../src/index.js';

// The sampler as a program gets it from the package entry (`import { createSystemSampler } from 'runmeter'`).

let sampler: SystemSampler | undefined;
afterEach(async () => {
  await sampler?.stop();
  sampler = undefined;
});

describe('createSystemSampler from the package entry', () => {
  it('gives the means since the previous call with sinceLastCall(), by series name', async () => {
    sampler = createSystemSampler({ rootPid: process.pid, gpu: false });
    sampler.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const first = await sampler.sinceLastCall();
    expect(first['job/processes']).toBe(1);
    expect(first['job/memory_rss_bytes']).toBeGreaterThan(0);
    expect(first['system/memory_used_bytes']).toBeGreaterThan(0);
    expect(first['system/cpu_percent_max']).toBeGreaterThanOrEqual(first['system/cpu_percent'] ?? Number.NaN);
    // Nothing read since: the call takes a reading of its own, so its window ends at the call.
    expect((await sampler.sinceLastCall())['system/memory_used_bytes']).toBeGreaterThan(0);
  });
});
