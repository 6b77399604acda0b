import { formatDuration } from '../model/format.js';
import type { JobProcess } from './job-process.js';

const forwardedSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Forwards SIGINT, SIGTERM and SIGHUP sent to runmeter to the job's whole process group; a second Ctrl-C, or a job
 * still running `graceMs` after a signal, kills the group. If runmeter itself exits, the job is told (SIGTERM).
 */
export class SignalForwarder {
  /** The last signal forwarded, if any. */
  forwarded: NodeJS.Signals | undefined;
  private interrupts = 0;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => this.forward(signal);
  private readonly killOnExit = () => this.job.signalGroup('SIGTERM');

  constructor(
    private readonly job: JobProcess,
    private readonly graceMs: number,
    private readonly say: (message: string) => void,
    private readonly listen = true,
  ) {
    if (listen) for (const signal of forwardedSignals) process.on(signal, this.onSignal);
    process.on('exit', this.killOnExit);
  }

  forward(signal: NodeJS.Signals): void {
    this.forwarded = signal;
    if (signal === 'SIGINT' && ++this.interrupts >= 2) {
      this.say('second interrupt: killing the job');
      this.job.signalGroup('SIGKILL');
      return;
    }
    this.job.signalGroup(signal);
    this.graceTimer ??= setTimeout(() => {
      this.say(`warning: the job is still running ${formatDuration(this.graceMs)} after ${signal}: killing its process group`);
      this.job.signalGroup('SIGKILL');
    }, this.graceMs);
  }

  /** The job has exited: stop forwarding. */
  stop(): void {
    process.off('exit', this.killOnExit);
    if (this.listen) for (const signal of forwardedSignals) process.off(signal, this.onSignal);
    if (this.graceTimer) clearTimeout(this.graceTimer);
  }
}

/**
 * After the job exits, while the recording finishes: a signal must not kill runmeter mid-write and leave the run
 * looking alive. Two more and the user means it: `stopNow` is called.
 */
export function guardRecording(say: (message: string) => void, stopNow: () => void, listen = true): () => void {
  let late = 0;
  const onLateSignal = () => {
    if (++late === 1) say('finishing the recording (interrupt again to stop now)');
    else stopNow();
  };
  if (listen) for (const signal of forwardedSignals) process.on(signal, onLateSignal);
  return () => {
    for (const signal of forwardedSignals) process.off(signal, onLateSignal);
  };
}
