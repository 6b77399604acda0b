import { Worker } from 'node:worker_threads';
import { workerEntry } from '../install.js';
import type { FromWorker, RecordingSummary, ToWorker, WorkerConfig } from './messages.js';

/** The main thread's handle on the ingest worker: messages in, warnings and the final summary out. */
export class IngestThread {
  /** Resolves with the summary once the run is recorded; undefined when the worker died (said as a warning). */
  readonly done: Promise<RecordingSummary | undefined>;
  private readonly worker: Worker;

  constructor(
    config: WorkerConfig,
    env: NodeJS.ProcessEnv,
    warn: (message: string) => void,
    /** Called once the run is in the store. */
    onRecording: () => void = () => {},
  ) {
    const entry = workerEntry('agent/ingest-worker');
    // A small young generation keeps the worker's memory near what it holds (a few batches of points), not what it
    // has churned through: runmeter's whole RSS stays under ~150 MB on a job printing hundreds of MB.
    this.worker = new Worker(entry.url, {
      workerData: config,
      transferList: config.outputPort === undefined ? [] : [config.outputPort],
      execArgv: entry.execArgv,
      env,
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 },
    });
    this.done = new Promise((resolve) => {
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'warning') warn(message.message);
        else if (message.type === 'recording') onRecording();
        else resolve(message.summary);
      });
      this.worker.on('error', (error) => {
        warn(`recording stopped (${error.message}); the job goes on`);
        resolve(undefined);
      });
      this.worker.on('exit', () => resolve(undefined));
    });
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
