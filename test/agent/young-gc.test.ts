import { describe, expect, it } from 'vitest';
import { youngGenerationCollector } from '../../src/agent/young-gc.js';

/** Allocates `count` 64 KB buffers, as reads of a job's output do, and lets go of them. */
function churn(count: number): void {
  let held: Buffer[] | undefined = [];
  for (let i = 0; i < count; i++) held.push(Buffer.alloc(65536, 1));
  held = undefined;
}

describe('youngGenerationCollector', () => {
  it('frees dead output buffers when called, without waiting for V8 to decide to', async () => {
    const collect = youngGenerationCollector();
    const before = process.memoryUsage().arrayBuffers;
    churn(64);
    // Nothing else allocates here, so V8 alone would leave the 4 MB of dead buffers in place.
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThan(4_000_000);
    collect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1_000_000);
  });
});
