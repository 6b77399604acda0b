// The ingest worker: a thin adapter between the main thread's messages and an Ingest pipeline (bytes -> parsers ->
// recorder -> store). Everything that touches the store happens here, off the thread draining the job's pipes.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunUpdate } from '../model/run.js';
import { gitState, HttpSink, isAgentAlive, mergeSpools, openSink, type PointSink, spoolBases, startRecorder } from '../record/index.js';
import { describeMachine } from '../sample/index.js';
import { ChannelListener, type ChannelServer } from './client-channel.js';
import { Ingest } from './ingest.js';
import type { FromPumpToWorker, FromWorker, OutputEntry, ToWorker, WorkerConfig } from './messages.js';

const config = workerData as WorkerConfig;
const port = parentPort;
if (port === null) throw new Error('ingest-worker must run as a worker thread');
const post = (message: FromWorker) => port.postMessage(message);
const say = (message: string) => post({ type: 'warning', message });

/** How long the end of a run waits for git and the machine's description. */
const DESCRIBE_WAIT_MS = 3000;
/** How long the end of a run waits for the store to take what is left, before spooling it for the next command. */
const FINAL_WRITE_MS = 5000;

const store = config.server === undefined ? openSink(config.storeSpec) : undefined;
const sink: PointSink = config.server === undefined ? (store as PointSink) : new HttpSink(config.server.url, config.server.token);
let told = false;
const recorder = startRecorder({
  sink,
  runId: config.runId,
  run: config.run,
  ...(config.member === undefined ? {} : { member: config.member }),
  warn: say,
  // On a server, nothing may be lost if this process is killed while the server is away: spool every batch first.
  spoolFirst: config.server !== undefined,
  ...(config.spoolLimitBytes === undefined ? {} : { spoolLimitBytes: config.spoolLimitBytes }),
  onApplied: () => {
    if (!told) post({ type: 'recording' });
    told = true;
  },
});
const ingest = new Ingest(config, recorder, say);
ingest.start();

/** How long the end of a run waits for the Python client's last messages once the job has exited. */
const CHANNEL_WAIT_MS = 2000;
const channel = config.channel === undefined ? undefined : listenForClients(config.channel);

function listenForClients(options: { socket: string; module: string }): ChannelListener | undefined {
  const load = async (): Promise<ChannelServer> => {
    const { agentChannel } = (await import(options.module)) as { agentChannel: (o: unknown) => ChannelServer };
    const location = store?.location ?? (config.server?.url as string);
    return agentChannel({ recorder, sink: store, location, record: { ...config.run, status: 'running' }, warn: say });
  };
  try {
    return new ChannelListener(options.socket, load, say);
  } catch (error) {
    say(`the Python client's channel could not open (${(error as Error).message}); its calls are not recorded`);
    return undefined;
  }
}

/** What takes a moment to find out (git state, the machine and its GPUs): recorded with a batch once known. */
const described: Promise<void> = Promise.all([
  gitState(config.cwd).catch(() => undefined),
  config.describeMachine ? describeMachine().catch(() => undefined) : undefined,
]).then(([git, system]) => {
  const update: RunUpdate = {};
  if (git) Object.assign(update, { gitCommit: git.commit, gitDirty: git.dirty });
  if (system) {
    update.system = system;
    ingest.onGpus(system.gpus[0]?.name, system.gpus.length);
  }
  if (Object.keys(update).length > 0) ingest.updateRun(update);
});

// Runs whose runmeter died, and spools that recorders left behind, are settled beside the job, never before it.
setTimeout(() => {
  try {
    if (store === undefined) {
      void mergeSpools(sink, spoolBases()).catch(() => []);
      return;
    }
    void store
      .open()
      .markLostRuns(os.hostname(), isAgentAlive)
      .catch(() => []);
    void mergeSpools(sink, spoolBases()).catch(() => []);
  } catch {
    // The store cannot be opened yet: the recorder says so, and retries.
  }
}, 200).unref();

// The pump thread's ranges come on their own channel; should the main thread take the pipes over, its ranges (which
// follow the pump's) wait for the pump's last word, as messages on two channels are not ordered between them.
let pumpEnded = config.outputPort === undefined;
let pumpDone: () => void = () => {};
const pumpOver = new Promise<void>((resolve) => (pumpDone = resolve));
const heldOutput: OutputEntry[][] = [];
config.outputPort?.on('message', (message: FromPumpToWorker) => {
  if (message.type === 'output') ingest.output(message.entries, true);
  else {
    pumpEnded = true;
    for (const entries of heldOutput.splice(0)) ingest.output(entries);
    pumpDone();
  }
});

port.on('message', (message: ToWorker) => {
  if (message.type === 'output') {
    if (pumpEnded) ingest.output(message.entries);
    else heldOutput.push(message.entries);
  } else if (message.type === 'points') ingest.points(message.points);
  else void finish(message.update, message.pumped === true, message.energy);
});

async function finish(update: RunUpdate, pumped: boolean, energy: Extract<ToWorker, { type: 'end' }>['energy']): Promise<void> {
  // The pump said its last word before it ended: it is on its way (never raced against a timer, which a store
  // holding this thread up would let fire first, closing the channel with the pump's ranges still in it).
  if (pumped) await pumpOver;
  for (const entries of heldOutput.splice(0)) ingest.output(entries);
  config.outputPort?.close();
  let waited: NodeJS.Timeout | undefined;
  await Promise.race([described, new Promise((resolve) => (waited = setTimeout(resolve, DESCRIBE_WAIT_MS)))]);
  clearTimeout(waited);
  await channel?.close(CHANNEL_WAIT_MS).catch((error: Error) => say(`the Python client's last messages were not recorded (${error.message})`));
  const summary = await ingest.end(update, FINAL_WRITE_MS, energy);
  post({ type: 'done', summary });
}
