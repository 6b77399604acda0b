import type { Run as RunRecord } from '../model/run.js';
import type { Recorder, StoreSink } from '../record/index.js';

/** What `startRun` (or a host that already records the run) hands the Run it builds. */
export interface RunInit {
  /** The run's recorder: every point, param and change goes through it (in order, exactly once). */
  recorder: Recorder;
  /** The store the run is recorded in, which keeps its artifacts; undefined when it is recorded on a team server. */
  sink: StoreSink | undefined;
  /** Where the run is recorded, for messages: the store's location or the server's URL. */
  location: string;
  record: RunRecord;
  /** The run belongs to `runmeter run`'s agent, which owns its status. */
  attached: boolean;
  /**
   * The recorder belongs to the host (the agent's ingest worker): `end()` flushes and leaves it open, and the Run
   * installs no exit hooks, since the host writes what is left when it ends.
   */
  borrowed?: boolean;
  /** The process whose usage `logSystemMetrics` records as `job/...` (default: this process). */
  jobPid?: number;
  /** Sample system metrics from the start, so the first `logSystemMetrics` covers the time since (the channel's runs). */
  sampleSystem?: boolean;
  /** Whether that sampler reads NVML's GPM metrics (default true); the agent's own sampler reads them in `runmeter run`. */
  systemGpm?: boolean;
  /** Says a problem to the user (default: a process warning, RunmeterWarning); a host passes its own channel. */
  warn?: (message: string) => void;
  synchronous: boolean;
  flushIntervalMs: number;
  flushPoints: number;
}
