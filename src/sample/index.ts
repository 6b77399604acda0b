import type { SamplerOptions, SystemSampler } from './types.js';

export type { SamplerOptions, SystemSampler } from './types.js';

/** Creates the system sampler. (Interim: reads nothing; the system metrics issue replaces this.) */
export function createSystemSampler(_options: SamplerOptions = {}): SystemSampler {
  return {
    start() {},
    async sampleNow() {},
    report: () => [],
    sinceLastCall: () => ({}),
    setRootPid() {},
    async stop() {},
  };
}
