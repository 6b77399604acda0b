import {
  cudaOutOfMemory,
  cxxTerminate,
  lastErrorLine,
  ncclError,
  outputLines,
  pythonException,
  shellKilled,
  signalName,
  torchrunRootCause,
} from './error-output.js';

/** What is known when a job has exited, for `endCause`. */
export interface EndCauseInput {
  /** The job's exit status, when it exited on its own. */
  exitCode?: number | undefined;
  /** The signal that ended it (`SIGTERM`), when one did. */
  signal?: string | undefined;
  /** Who sent the signal where runmeter knows it: `Ctrl-C`, `runmeter's --timeout`. */
  signalSender?: string | undefined;
  /** When the job ended (ms since the epoch): tells a scheduler's time limit from an earlier cancel. */
  endTime?: number | undefined;
  /** The last bytes of the job's stderr (and stdout, when it shares them), as text. */
  stderrTail: string;
  /** What the sampler found of the kernel's OOM killer (`SystemSampler.finish()`). */
  oom?: OomFinding | undefined;
  /** The job's environment: a scheduler's variables (SLURM_JOB_ID, SLURM_JOB_END_TIME, PBS_JOBID, LSB_JOBID, ...). */
  env: Record<string, string | undefined>;
  /** A training loss that was NaN or infinite at its last value before the end. */
  nonFiniteLoss?: { name: string; value: number; step?: number | undefined } | undefined;
  /** A GPU error (XID) the driver reported during the run. */
  gpuError?: { gpu: number | string; xid: number } | undefined;
}

/** The OOM killer's part in the end, as the sampler read it from the job's cgroup and the kernel log. */
export interface OomFinding {
  /** Whether the OOM killer killed a process of the job during the run. */
  killed: boolean;
  /** The job's largest resident memory: the killed process's at the kill, or the sampler's highest reading. */
  peakRssBytes?: number | undefined;
  /** The cgroup's own memory peak (memory.peak, memory.max_usage_in_bytes): page cache and all. */
  cgroupPeakBytes?: number | undefined;
  /** The memory limit that applied (the cgroup's), when there is one. */
  limitBytes?: number | undefined;
}

const signalMeanings: Record<string, string> = {
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGFPE: 'arithmetic error',
  SIGILL: 'illegal instruction',
  SIGHUP: 'terminal closed',
};

/**
 * Why a job ended, short and exact, or undefined when it succeeded or nothing more than its exit status is known:
 * `out of memory (OOM killer), peak RSS 7.9 GiB of 8 GiB limit`, `ZeroDivisionError: division by zero`,
 * `SIGTERM (SLURM job 1234, time limit reached)`.
 */
export function endCause(input: EndCauseInput): string | undefined {
  const failed = input.signal !== undefined || (input.exitCode !== undefined && input.exitCode !== 0);
  if (!failed) return undefined;
  const lines = outputLines(input.stderrTail);
  const cause = mainCause(input, lines);
  const loss = input.nonFiniteLoss;
  if (loss === undefined) return cause;
  const after = `${loss.name} was ${lossValue(loss.value)}${loss.step === undefined ? '' : ` at step ${loss.step}`}`;
  return cause === undefined ? `${after} before the end` : `${cause} (after ${after})`;
}

function mainCause(input: EndCauseInput, lines: string[]): string | undefined {
  if (input.oom?.killed) return outOfMemory(input.oom);
  if (input.gpuError) return `GPU ${input.gpuError.gpu} error: Xid ${input.gpuError.xid}${xidMeaning(input.gpuError.xid)}`;
  const printed = cudaOutOfMemory(lines) ?? ncclError(lines);
  if (input.signal !== undefined) {
    const signal = describeSignal(input.signal, input);
    // An abort or a crash often says why on stderr; a stop from outside (SIGTERM, SIGINT) does not.
    const why = ['SIGABRT', 'SIGSEGV', 'SIGBUS'].includes(input.signal) ? (printed ?? cxxTerminate(lines)) : undefined;
    return why === undefined ? signal : `${why} (${signal})`;
  }
  const said = printed ?? pythonException(lines) ?? torchrunRootCause(lines) ?? cxxTerminate(lines);
  if (said !== undefined) return said;
  if (shellKilled(lines)) return 'a process of the job was killed (SIGKILL; the shell printed "Killed")';
  const code = input.exitCode ?? 0;
  const byShell = code > 128 && code <= 128 + 31 ? signalName(code - 128) : undefined;
  if (byShell !== undefined) return `exit ${code}: a process it waited for was ended by ${byShell} (128 + ${code - 128})`;
  return lastErrorLine(lines);
}

function outOfMemory(oom: OomFinding): string {
  const limit = oom.limitBytes === undefined ? '' : ` of ${gib(oom.limitBytes)} limit`;
  if (oom.peakRssBytes !== undefined) return `out of memory (OOM killer), peak RSS ${gib(oom.peakRssBytes)}${limit}`;
  if (oom.cgroupPeakBytes !== undefined) return `out of memory (OOM killer), cgroup memory peak ${gib(oom.cgroupPeakBytes)}${limit}`;
  return `out of memory (OOM killer)${oom.limitBytes === undefined ? '' : `, ${gib(oom.limitBytes)} limit`}`;
}

function describeSignal(signal: string, input: EndCauseInput): string {
  const details: string[] = [];
  if (input.signalSender) details.push(input.signalSender);
  else if (signal === 'SIGINT') details.push('Ctrl-C');
  else if (signalMeanings[signal]) details.push(signalMeanings[signal]);
  if (signal === 'SIGTERM' || signal === 'SIGKILL' || signal === 'SIGUSR1' || signal === 'SIGUSR2') {
    const scheduler = schedulerStop(input.env, input.endTime);
    if (scheduler) details.push(scheduler);
  }
  return details.length === 0 ? signal : `${signal} (${details.join(', ')})`;
}

// Slurm sends SIGTERM this long before the time limit's SIGKILL at most (KillWait defaults to 30 s).
const timeLimitSlackMs = 5 * 60_000;

/** Which scheduler's job this is, and what its stop likely was. */
function schedulerStop(env: Record<string, string | undefined>, endTime: number | undefined): string | undefined {
  if (env.SLURM_JOB_ID) {
    const job = `SLURM job ${env.SLURM_JOB_ID}`;
    const limitAt = Number(env.SLURM_JOB_END_TIME) * 1000;
    if (!Number.isFinite(limitAt) || limitAt <= 0 || endTime === undefined) return `${job}: time limit, scancel or preemption`;
    return endTime >= limitAt - timeLimitSlackMs ? `${job}, time limit reached` : `${job}, before its time limit: scancel or preemption`;
  }
  if (env.PBS_JOBID) return `PBS job ${env.PBS_JOBID}: walltime, qdel or preemption`;
  if (env.LSB_JOBID) return `LSF job ${env.LSB_JOBID}: run limit, bkill or preemption`;
  if (env.JOB_ID && env.SGE_TASK_ID !== undefined) return `SGE job ${env.JOB_ID}: h_rt, qdel or preemption`;
  if (env.KUBERNETES_SERVICE_HOST) return 'Kubernetes: pod deleted, evicted or preempted';
  return undefined;
}

const xidMeanings: Record<number, string> = {
  13: 'graphics engine exception',
  31: 'GPU memory page fault',
  43: 'GPU stopped processing',
  45: 'preemptive cleanup',
  48: 'double-bit ECC error',
  61: 'internal micro-controller breakpoint',
  62: 'internal micro-controller halt',
  63: 'ECC page retirement',
  64: 'ECC page retirement failure',
  74: 'NVLink error',
  79: 'GPU has fallen off the bus',
  92: 'high single-bit ECC error rate',
  94: 'contained ECC error',
  95: 'uncontained ECC error',
  119: 'GSP RPC timeout',
  120: 'GSP error',
};

function xidMeaning(xid: number): string {
  const meaning = xidMeanings[xid];
  return meaning === undefined ? '' : ` (${meaning})`;
}

function lossValue(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** Bytes in GiB as people read them: `7.9 GiB`, `8 GiB`, `512 MiB` under one GiB. */
export function gib(bytes: number): string {
  if (bytes < 1024 ** 3) return `${Math.round(bytes / 1024 ** 2)} MiB`;
  const value = bytes / 1024 ** 3;
  return `${Number(value.toFixed(value >= 100 ? 0 : 1))} GiB`;
}
