// The recording layer: every producer (the agent, the SDKs, `import`) records a run through a Recorder, whose
// batches a BatchQueue hands to one PointSink (a store here, or a team server), in order and exactly once.
export { isAgentAlive, isProcessAlive, processIdentity } from '../store/agent-process.js';
export { runmeterHome, storeLocation } from '../store/location.js';
export type { Artifact, OutputChunk, OutputStream, Store } from '../store/store.js';
export { BatchQueue, type QueueLeftovers } from './batch-queue.js';
export { makeDirectory, storeFolderProblem } from './folders.js';
export { HttpSink } from './http-sink.js';
export { type MergedSpool, mergeSpools } from './merge-spools.js';
export { openSink, resolvedStoreSpec, spoolBases, startRecorder, storeSink } from './open.js';
export { newProducerId } from './producer.js';
export { Recorder } from './recorder.js';
export { currentUser, gitState } from './run-metadata.js';
export { type PointSink, StoreSink } from './sink.js';
export { findSpools, type SpoolFolder } from './spool.js';
