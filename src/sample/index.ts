import { Sampler } from './sampler.js';
import type { SamplerOptions, SystemSampler } from './types.js';

export { describeMachine } from './machine-info.js';
export type { OomEvidence, SamplerEnd, SamplerOptions, SystemSampler } from './types.js';

/**
 * Creates the system sampler: the machine (`system/...`), the job's process tree and cgroup (`job/...`) and each GPU the job can
 * see (`gpu/<i>/...`). `start(startTime)` opens the first window at the job's start; with `onReport` it reports every
 * `reportIntervalMs`; `finish(endTime)` reports the last window, ending at the job's exit, and says what the OOM killer did.
 *
 * @example
 * const sampler = createSystemSampler({ rootPid: child.pid, onReport: (points) => recorder.add(points) });
 * sampler.start(startTime);
 * const end = await sampler.finish(endTime); // end.oom, end.energy, end.gpuErrors
 */
export function createSystemSampler(options: SamplerOptions = {}): SystemSampler {
  return new Sampler(options);
}
