// The SDK for Node programs: prov4ml's logging calls (start_run, log_metric, log_param, log_system_metrics, ...).
export { Context, type KnownContext } from '../model/context.js';
export { RunmeterError, UsageError } from '../model/errors.js';
export type { Artifact } from '../record/index.js';
export type { ArtifactOptions, EndStatus, FlopsOptions, MetricOptions, ModelOptions, StartRunOptions } from './options.js';
export { Run } from './run.js';
export { startRun } from './start-run.js';
