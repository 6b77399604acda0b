// Loaded by `runmeter run`'s ingest worker when a client first connects to the job's channel (RUNMETER_CHANNEL):
// the client's calls are recorded into the agent's own run, through the agent's recorder.
import type { Socket } from 'node:net';
import type { Run as RunRecord } from '../../model/run.js';
import type { Recorder, StoreSink } from '../../record/index.js';
import { paramsFrom } from '../params.js';
import { Run } from '../run.js';
import { type ChannelHost, type HelloMessage, serveStreams } from './session.js';

export interface AgentChannelOptions {
  /** The agent's recorder: the run's one writer. */
  recorder: Recorder;
  /** The store, which keeps artifacts; undefined when the run is recorded on a team server. */
  sink: StoreSink | undefined;
  /** Where the run is recorded, for messages. */
  location: string;
  /** The agent's run, as it was created. */
  record: RunRecord;
  warn: (message: string) => void;
}

/** The channel of one `runmeter run`: every client joins the agent's run, whose status the agent keeps owning. */
export interface AgentChannel {
  /** Serves one connection; resolves once the client hung up and its messages are applied. */
  serve(socket: Socket): Promise<void>;
  /** Writes what the clients logged and stops the run's system sampler (the agent closes its recorder itself). */
  close(): Promise<void>;
}

/** Makes the channel of the agent's run. */
export function agentChannel(options: AgentChannelOptions): AgentChannel {
  let run: Run | undefined;
  let tags = new Set(options.record.tags);
  const host: ChannelHost = {
    async open(hello: HelloMessage): Promise<Run> {
      const params = paramsFrom('start_run', hello.params ?? {});
      run ??= new Run({
        recorder: options.recorder,
        sink: options.sink,
        location: options.location,
        record: options.record,
        attached: true,
        borrowed: true,
        sampleSystem: true,
        // The agent's own sampler reads GPM (one client per GPU): a second reader would only be refused.
        systemGpm: false,
        warn: options.warn,
        ...(hello.pid === undefined ? {} : { jobPid: hello.pid }),
        synchronous: false,
        flushIntervalMs: 1000,
        flushPoints: 65_536,
      });
      if (Object.keys(params).length > 0) options.recorder.setParams(params);
      const added = (hello.tags ?? []).filter((tag) => !tags.has(tag));
      if (added.length > 0) {
        tags = new Set([...tags, ...added]);
        options.recorder.addTags(added);
      }
      return run;
    },
    // The agent ends the run when the job exits; a client's end_run only makes sure its points are stored.
    end: (joined) => joined.flush(),
    warn: options.warn,
  };
  return {
    serve: (socket) => serveStreams(host, socket, socket),
    close: async () => {
      await run?.end();
    },
  };
}
