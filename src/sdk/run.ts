import { Context } from '../model/context.js';
import { RunmeterError, UsageError } from '../model/errors.js';
import type { Run as RunRecord } from '../model/run.js';
import type { Artifact, Store } from '../record/index.js';
import { recordArtifact } from './artifacts.js';
import { type ExitParticipant, flushAtExit, type ProcessEnding, releaseAtExit } from './exit-hooks.js';
import { batchFlops, countsBackward, epochFlops, FlopsSeries } from './flops-logging.js';
import { isSavableModel } from './model-file.js';
import { logModelArtifact } from './model-logging.js';
import type { ArtifactOptions, EndStatus, FlopsOptions, MetricOptions, ModelOptions } from './options.js';
import { paramsFrom } from './params.js';
import type { RunInit } from './run-init.js';
import { RunPoints } from './run-points.js';
import { recordMeans, SystemMetrics } from './system-metrics.js';
import { TrainingSeries } from './training-series.js';
import {
  checkArtifactOptions,
  checkFinite,
  checkName,
  checkOptions,
  checkPlace,
  checkPositiveInteger,
  checkRecord,
  checkTimestamp,
  checkValue,
  describe,
} from './validate.js';

/** The fields of metric and artifact options, for messages about a bad options argument. */
const METRIC_FIELDS = '{ context, step, epoch, timestamp }';
const ARTIFACT_FIELDS = '{ context, name }';

const OPEN = 0;
const ENDED = 1;
const HEARTBEAT_MS = 5000;
/** How long `end()` waits for the store to take what is left before spooling it for the next runmeter command. */
const FINAL_WRITE_MS = 5000;

/**
 * A run being recorded, as `startRun` returns it: prov4ml's logging calls for a Node program.
 * Every call checks its arguments and throws a UsageError at the call site when they are wrong.
 *
 * @example
 * const run = await startRun({ name: 'mnist', params: { lr: 0.01 } });
 * run.logMetric('loss', 0.25, { context: Context.TRAINING, step: 1 });
 * await run.end();
 */
export class Run implements ExitParticipant {
  /** The run's id: `runmeter show <id>`. */
  readonly id: string;
  /** The run's name. */
  readonly name: string;
  /** True when the run is `runmeter run`'s, which this program joined; `end()` then leaves its status alone. */
  readonly attached: boolean;
  /** Where the run is recorded. */
  readonly storeLocation: string;
  private readonly init: RunInit;
  private readonly points: RunPoints;
  private readonly training: TrainingSeries;
  private readonly flops: FlopsSeries;
  private readonly otherWrites = new Set<Promise<unknown>>();
  private readonly timer: NodeJS.Timeout;
  private readonly system: SystemMetrics;
  private state = OPEN;
  private ending: Promise<void> | undefined;
  private lastHeartbeat = Date.now();

  /** @internal Use `startRun`. */
  constructor(init: RunInit) {
    this.init = init;
    this.id = init.record.id;
    this.name = init.record.name;
    this.attached = init.attached;
    this.storeLocation = init.location;
    const warn = init.warn ?? ((message: string) => process.emitWarning(message, 'RunmeterWarning'));
    this.system = new SystemMetrics(init.jobPid ?? process.pid, init.systemGpm !== false, warn);
    if (init.sampleSystem === true) this.system.start();
    this.points = new RunPoints(init.recorder, init.synchronous, init.flushPoints);
    this.training = new TrainingSeries(this.points);
    this.flops = new FlopsSeries(this.points, warn);
    this.timer = setInterval(() => this.tick(), init.flushIntervalMs);
    this.timer.unref();
    if (init.borrowed !== true) flushAtExit(this);
  }

  /** The run as the store recorded it when it started. */
  get record(): Readonly<RunRecord> {
    return this.init.record;
  }

  /**
   * Records one value of a metric. NaN and ±Infinity are kept. In buffered mode (the default) the value is
   * written within a second; in synchronous mode the returned promise resolves once it is stored.
   *
   * @example
   * run.logMetric('loss', loss, { context: Context.TRAINING, step, epoch });
   * run.logMetric('val_acc', acc, { epoch });   // context: validation, from the name
   */
  logMetric(name: string, value: number, options?: MetricOptions): Promise<void> {
    // The hot path: cheap checks inline, the helpers (which build the messages) only when one fails.
    if (this.state !== OPEN) throw this.endedError('logMetric');
    if (typeof name !== 'string' || name === '') checkName('logMetric', 'the metric name', name);
    if (typeof value !== 'number') checkValue('logMetric', name, value);
    let context: string | undefined;
    let step = Number.NaN;
    let epoch = Number.NaN;
    let time: number;
    if (options === undefined) time = Date.now();
    else {
      if (typeof options !== 'object' || options === null) checkOptions('logMetric', options, METRIC_FIELDS);
      context = options.context;
      if (context !== undefined && (typeof context !== 'string' || context === '')) checkName('logMetric', 'the context', context);
      const s = options.step;
      if (s !== undefined) step = typeof s === 'number' && Number.isFinite(s) ? s : (checkFinite('logMetric', 'step', s) as number);
      const e = options.epoch;
      if (e !== undefined) epoch = typeof e === 'number' && Number.isFinite(e) ? e : (checkFinite('logMetric', 'epoch', e) as number);
      time = options.timestamp === undefined ? Date.now() : (checkTimestamp('logMetric', options.timestamp) as number);
    }
    this.training.of(name, context).push(time, step, epoch, value);
    return this.points.added();
  }

  /**
   * Records several metrics at the same step: each entry of `record` is a metric name and its value.
   * Every value is checked before any is recorded.
   *
   * @example
   * run.logMetrics({ loss: 0.31, accuracy: 0.92 }, { context: Context.VALIDATION, epoch: 3 });
   */
  logMetrics(record: Record<string, number>, options?: MetricOptions): Promise<void> {
    if (this.state !== OPEN) throw this.endedError('logMetrics');
    const entries = Object.entries(checkRecord('logMetrics', record));
    for (const [name, value] of entries) {
      checkName('logMetrics', 'each metric name', name);
      checkValue('logMetrics', name, value);
    }
    const place = checkOptions('logMetrics', options, METRIC_FIELDS) ?? {};
    const { context, time } = checkPlace('logMetrics', place);
    const step = checkFinite('logMetrics', 'step', place.step) ?? Number.NaN;
    const epoch = checkFinite('logMetrics', 'epoch', place.epoch) ?? Number.NaN;
    let written: Promise<void> | undefined;
    for (const [name, value] of entries) {
      this.training.of(name, context).push(time, step, epoch, value as number);
      written = this.points.added();
    }
    return written ?? Promise.resolve();
  }

  /**
   * Records a parameter of the run (a hyperparameter, a setting). The promise resolves once it is stored.
   *
   * @example
   * await run.logParam('learning_rate', 0.001);
   */
  logParam(name: string, value: unknown): Promise<void> {
    checkName('logParam', 'the param name', name);
    return this.recordParams('logParam', { [name]: value });
  }

  /**
   * Records several parameters; merged into those already recorded.
   *
   * @example
   * await run.logParams({ batch_size: 32, optimizer: 'adam' });
   */
  logParams(record: Record<string, unknown>): Promise<void> {
    return this.recordParams('logParams', record);
  }

  private recordParams(call: string, record: Record<string, unknown>): Promise<void> {
    if (this.state !== OPEN) throw this.endedError(call);
    this.init.recorder.setParams(paramsFrom(call, record));
    return this.track(this.points.flush());
  }

  /**
   * Records the machine's and this process's usage (CPU, memory, disk, network, GPUs) averaged since the previous
   * call, as prov4ml's log_system_metrics: series `system/...`, `job/...`, `gpu/...` with this context.
   *
   * @example
   * for (let epoch = 0; epoch < 10; epoch++) { train(); await run.logSystemMetrics(Context.TRAINING, epoch); }
   */
  logSystemMetrics(context: string = Context.TRAINING, step?: number): Promise<void> {
    if (this.state !== OPEN) throw this.endedError('logSystemMetrics');
    checkName('logSystemMetrics', 'the context', context);
    return this.recordSystemMetrics(context, checkFinite('logSystemMetrics', 'step', step) ?? Number.NaN);
  }

  private async recordSystemMetrics(context: string, step: number): Promise<void> {
    const means = await this.system.sinceLastCall();
    // end() may have come while the sampler read: its flush is done, so these would go nowhere.
    if (this.state === OPEN) await recordMeans(this.points, means, context, step);
  }

  /**
   * Records the seconds since the run started under `label`, as prov4ml's log_current_execution_time.
   *
   * @example
   * run.logExecutionTime('epoch_end', Context.TRAINING, epoch);
   */
  logExecutionTime(label: string, context: string = Context.TRAINING, step?: number): Promise<void> {
    if (this.state !== OPEN) throw this.endedError('logExecutionTime');
    checkName('logExecutionTime', 'the label', label);
    checkName('logExecutionTime', 'the context', context);
    const at = checkFinite('logExecutionTime', 'step', step) ?? Number.NaN;
    const now = Date.now();
    this.points.series('training', label, context).push(now, at, Number.NaN, (now - this.init.record.startTime) / 1000);
    return this.points.added();
  }

  /**
   * Records the FLOPs of one batch and their running total, as prov4ml's
   * log_flops_per_batch: series `flops/<label>/batch` and `flops/<label>/batch_total`. `model` is a tf.LayersModel,
   * ONNX bytes, a TF.js model.json, or a path to either; `batch` its batch size or an input tensor ({ shape }).
   * In the training context the count includes the backward pass (≈ 3 × forward); elsewhere, or with
   * `{ training: false }`, it is the forward pass. The model is parsed and counted once per batch size, so calling
   * this every step is cheap.
   *
   * @example
   * run.logFlopsPerBatch('cnn', model, xs, Context.TRAINING, step);
   * run.logFlopsPerBatch('cnn', model, xs, Context.TRAINING, step, { training: false }); // forward only, as prov4ml
   */
  logFlopsPerBatch(
    label: string,
    model: unknown,
    batch: number | { shape: readonly number[] },
    context: string = Context.TRAINING,
    step?: number,
    options?: FlopsOptions,
  ): Promise<void> {
    const at = this.checkFlopsCall('logFlopsPerBatch', label, context, step);
    const training = countsBackward('logFlopsPerBatch', context, options);
    return this.flops.record(label, 'batch', batchFlops('logFlopsPerBatch', model, batch, training), context, at);
  }

  /**
   * Records the FLOPs of one epoch over a dataset and their running total, as prov4ml's log_flops_per_epoch:
   * series `flops/<label>/epoch` and `flops/<label>/epoch_total`. `dataset` is its number of samples, or anything
   * with `length` or `size`. In the training context the count includes the backward pass, unless
   * `{ training: false }` asks for the forward pass alone.
   *
   * @example
   * run.logFlopsPerEpoch('cnn', model, trainImages.length, Context.TRAINING, epoch);
   */
  logFlopsPerEpoch(
    label: string,
    model: unknown,
    dataset: number | { length: number } | { size: number },
    context: string = Context.TRAINING,
    step?: number,
    options?: FlopsOptions,
  ): Promise<void> {
    const at = this.checkFlopsCall('logFlopsPerEpoch', label, context, step);
    const training = countsBackward('logFlopsPerEpoch', context, options);
    return this.flops.record(label, 'epoch', epochFlops('logFlopsPerEpoch', model, dataset, training), context, at);
  }

  private checkFlopsCall(call: string, label: string, context: string, step: number | undefined): number {
    if (this.state !== OPEN) throw this.endedError(call);
    checkName(call, 'the label', label);
    checkName(call, 'the context', context);
    return checkFinite(call, 'step', step) ?? Number.NaN;
  }

  /**
   * Copies a file or folder into the store, with its sha256, as an artifact of the run.
   *
   * @example
   * await run.logArtifact('confusion.png', { context: Context.EVALUATION });
   */
  logArtifact(path: string, options: ArtifactOptions = {}): Promise<Artifact> {
    if (this.state !== OPEN) throw this.endedError('logArtifact');
    checkName('logArtifact', 'the path', path);
    const place = checkArtifactOptions('logArtifact', checkOptions('logArtifact', options, ARTIFACT_FIELDS) ?? {});
    return this.track(this.inStore((store) => recordArtifact(store, this.id, path, { call: 'logArtifact', kind: 'artifact', ...place })));
  }

  /**
   * Records a model: a file (ONNX, TF.js `model.json`) or an in-memory TF.js model, saved as an artifact of kind
   * `model` with its parameter count, size and FLOPs, which also become params `model/<name>/...`.
   *
   * @example
   * await run.logModel(model, { name: 'classifier' });
   */
  logModel(pathOrModel: string | object, options: ModelOptions = {}): Promise<Artifact> {
    if (this.state !== OPEN) throw this.endedError('logModel');
    if (typeof pathOrModel === 'string') checkName('logModel', 'the model path', pathOrModel);
    else if (!isSavableModel(pathOrModel)) {
      throw new UsageError(`logModel: expected a model file path or a TF.js model (with save()), got ${describe(pathOrModel)}`);
    }
    const checked = checkOptions('logModel', options, '{ context, name, batch }') ?? {};
    const place = checkArtifactOptions('logModel', checked);
    const batch = checked.batch === undefined ? 1 : checkPositiveInteger('logModel', 'batch', checked.batch);
    return this.track(this.inStore((store) => logModelArtifact(store, this.id, pathOrModel, { ...place, batch })));
  }

  /** Writes every buffered point now; resolves once they and the params and artifacts logged so far are stored. */
  async flush(): Promise<void> {
    await this.points.flush();
    await Promise.all([...this.otherWrites]);
  }

  /**
   * Writes what is buffered and ends the run with `status` (default `succeeded`). When the run is `runmeter run`'s,
   * the agent sets its status when the job exits, and `end()` only flushes. Calling it again does nothing.
   *
   * @example
   * try { await train(run); await run.end(); } catch (error) { await run.end('failed'); throw error; }
   */
  end(status: EndStatus = 'succeeded'): Promise<void> {
    if (status !== 'succeeded' && status !== 'failed' && status !== 'killed') {
      throw new UsageError(`end: expected status "succeeded", "failed" or "killed", got ${JSON.stringify(status)}`);
    }
    this.ending ??= this.finish(status);
    return this.ending;
  }

  private async finish(status: EndStatus): Promise<void> {
    this.state = ENDED;
    clearInterval(this.timer);
    // Start writing before anything is awaited: with SQLite the points are stored before end() returns, even when
    // the program calls process.exit() without awaiting it (the exit hooks stay on until the run is recorded).
    const recorder = this.init.recorder;
    if (this.init.borrowed === true) {
      // The host's recorder: hand everything over and wait until it is stored; the host closes it.
      await Promise.all([this.points.flush(), ...this.otherWrites, this.system.stop()]);
      return;
    }
    if (!this.attached) recorder.updateRun({ status, endTime: Date.now() });
    this.points.flush().catch(() => {}); // hands the points over now; close() below waits for them
    const closed = Promise.all([...this.otherWrites]).then(() => recorder.close(FINAL_WRITE_MS));
    try {
      await this.system.stop();
      const left = await closed;
      if (left.spoolDir !== undefined) {
        const what = left.spooledPoints > 0 ? `${left.spooledPoints} points` : "the run's end";
        process.emitWarning(`${this.storeLocation} did not take writes; ${what} wait in ${left.spoolDir}: runmeter sync adds them`, 'RunmeterWarning');
      }
    } finally {
      releaseAtExit(this);
    }
  }

  /** @internal The exit hooks' synchronous flush. */
  flushNow(): void {
    this.points.flushNow();
  }

  /** @internal The exit hooks' record of how the process ended. */
  finishNow(ending: ProcessEnding): void {
    this.state = ENDED;
    clearInterval(this.timer);
    if (this.attached) return;
    const update =
      ending.kind === 'signal'
        ? { status: 'killed' as const, signal: ending.signal }
        : { status: ending.exitCode === 0 ? ('succeeded' as const) : ('failed' as const), exitCode: ending.exitCode };
    this.init.recorder.updateRun({ ...update, endTime: Date.now() });
    this.points.flushNow();
  }

  /** @internal The program ran to its end without calling `end()`. */
  endAtBeforeExit(): Promise<void> {
    const code = Number(process.exitCode ?? 0);
    return this.end(code === 0 ? 'succeeded' : 'failed');
  }

  private tick(): void {
    const now = Date.now();
    if (!this.attached && now - this.lastHeartbeat >= HEARTBEAT_MS) {
      this.lastHeartbeat = now;
      this.init.recorder.beat(now);
    }
    this.points.writeInBackground();
  }

  /** Runs `write` on the store once the run exists there (its first batch applied): artifacts are files in the store. */
  private inStore<T>(write: (store: Store) => Promise<T>): Promise<T> {
    const sink = this.init.sink;
    if (sink === undefined) {
      return Promise.reject(new RunmeterError('E_NO_ARTIFACT_STORE', `run ${this.id} is recorded on ${this.storeLocation}, which does not keep artifacts yet`));
    }
    return this.points.flush().then(() => write(sink.open()));
  }

  private track<T>(write: Promise<T>): Promise<T> {
    this.otherWrites.add(write);
    const forget = () => this.otherWrites.delete(write);
    write.then(forget, forget);
    return write;
  }

  private endedError(call: string): RunmeterError {
    return new RunmeterError('E_RUN_ENDED', `${call}: run ${this.id} has ended; start another with startRun()`);
  }
}
