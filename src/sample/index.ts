import { Sampler } from './sampler.js';
import type { SamplerOptions, SystemSampler } from './types.js';

export { describeMachine } from './machine-info.js';
export type { SamplerOptions, SystemSampler } from './types.js';

/**
 * Creates the system sampler: the machine (`system/...`), the job's process tree (`job/...`) and each GPU the job can see
 * (`gpu/<i>/...`). It takes a baseline reading at once; `start()` reads every `sampleIntervalMs`; `report()` gives the means.
 */
export function createSystemSampler(options: SamplerOptions = {}): SystemSampler {
  return new Sampler(options);
}
