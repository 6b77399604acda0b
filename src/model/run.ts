import type { EnergySummary } from './energy-types.js';
import { redactCommand, redactParams, type SecretPatterns } from './redact.js';
import type { RunMember } from './run-member-types.js';

/** Where a run stands. `lost` means runmeter itself died while the job ran; it is found and marked at the next start. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'killed' | 'lost';

export const runStatuses: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'killed', 'lost'];

/** A recorded run. Times are milliseconds since the epoch. */
export interface Run {
  id: string;
  name: string;
  project?: string;
  /** The command as given, one element per argument. */
  command: string[];
  cwd: string;
  host: string;
  user: string;
  gitCommit?: string;
  gitDirty?: boolean;
  status: RunStatus;
  exitCode?: number;
  /** The signal's name when the job was killed by one, e.g. `SIGTERM`. */
  signal?: string;
  /** Why the run failed when the job never ran (command not found, not executable). */
  reason?: string;
  /**
   * Why the job ended, short and exact, when runmeter could tell: `out of memory (OOM killer), peak RSS 7.9 GiB of
   * 8 GiB limit`, `ZeroDivisionError: division by zero`, `SIGTERM from SLURM (job 1234)`.
   */
  cause?: string;
  /** The user's note about the run (Markdown, shown as text). */
  note?: string;
  startTime: number;
  endTime?: number;
  /** The runmeter version that recorded it. */
  version: string;
  /** The pid of the runmeter process (or SDK program) that records it, to find lost runs. */
  agentPid?: number;
  /** That process's identity beyond its pid (boot and start time), so a reused pid is not taken for it. */
  agentId?: string;
  params: Record<string, unknown>;
  tags: string[];
  /** How the run came to be: `run` (wrapped a command), `import` (from a log file), `sdk`. */
  source: 'run' | 'import' | 'sdk';
  /** The machine the run ran on, as the sampler found it. */
  system?: MachineInfo;
  /** The energy the run used (GPUs' counters, CPU packages' RAPL), and the CO2e it stands for, when it could be read. */
  energy?: EnergySummary;
  /** `run --join KEY`: the key that several agents (one per node) record this run under. */
  joinKey?: string;
  /** A joined run's agents, in the order they joined; the run's status, end and exit code are the whole of theirs. */
  members?: RunMember[];
}

/** A GPU the job could see. */
export interface GpuInfo {
  index: number;
  name: string;
  uuid?: string;
  memoryBytes?: number;
  driverVersion?: string;
}

/** What a run's machine is: shown on the run page and used to find a GPU's peak FLOP/s. */
export interface MachineInfo {
  os: string;
  arch: string;
  cpuModel?: string;
  cpuCount: number;
  memoryBytes: number;
  gpus: GpuInfo[];
}

/** What a store needs to create a run. */
export type NewRun = Omit<Run, 'id' | 'status' | 'params' | 'tags'> & {
  id?: string;
  status?: RunStatus;
  params?: Record<string, unknown>;
  tags?: string[];
  /** More option names whose values are secrets (regex sources), beyond redact.ts's own; not stored. */
  secretPatterns?: SecretPatterns;
};

/** The fields that change as a run goes on. */
export type RunUpdate = Partial<
  Pick<
    Run,
    'status' | 'exitCode' | 'signal' | 'reason' | 'cause' | 'note' | 'endTime' | 'name' | 'tags' | 'system' | 'energy' | 'gitCommit' | 'gitDirty' | 'project'
  >
>;

/** A run's duration in ms: to its end, or to `now` while it runs. */
export function runDuration(run: Pick<Run, 'startTime' | 'endTime'>, now = Date.now()): number {
  return (run.endTime ?? now) - run.startTime;
}

const idAlphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A new run id: 8 characters of [0-9a-z], random, so that short prefixes are unique. */
export function newRunId(random: (n: number) => Uint8Array): string {
  const bytes = random(8);
  let id = '';
  for (const byte of bytes) id += idAlphabet[byte % 36];
  return id;
}

/** A run as a store records it: `newRun` with its id (made here when it has none), status, params and tags, secrets as `***`. */
export function completeRun(newRun: NewRun): Run {
  const { secretPatterns, ...run } = newRun;
  return {
    ...run,
    command: redactCommand(run.command, secretPatterns),
    id: run.id ?? newRunId((n) => crypto.getRandomValues(new Uint8Array(n))),
    status: run.status ?? 'running',
    params: redactParams(run.params ?? {}, secretPatterns),
    tags: run.tags ?? [],
  };
}
