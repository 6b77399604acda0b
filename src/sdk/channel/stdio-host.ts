import type { Readable, Writable } from 'node:stream';
import type { Run } from '../run.js';
import { startRun } from '../start-run.js';
import { type ChannelHost, serveStreams } from './session.js';

export interface StdioOptions {
  input: Readable;
  output: Writable;
  /** `--store`: where the run is recorded (default: $RUNMETER_STORE, else runmeter's home). */
  store?: string;
  /** `--server`, `--token`: record on a team server instead (default: $RUNMETER_SERVER unless a store is given). */
  server?: string;
  token?: string;
  env?: NodeJS.ProcessEnv;
  warn: (message: string) => void;
}

/**
 * `runmeter record --stdio`: the recorder a client starts for itself outside `runmeter run` (a notebook, a plain
 * `python train.py`). The client's hello starts the run; its `end` ends it. A client that goes away without `end`
 * (killed, or `os._exit`) leaves the run ended as killed, with everything it sent before stored.
 */
export async function recordStdio(options: StdioOptions): Promise<void> {
  let run: Run | undefined;
  let ended = false;
  const host: ChannelHost = {
    async open(hello) {
      if (run !== undefined) return run;
      const { name, experiment, params, tags, pid, argv, cwd } = hello;
      run = await startRun(
        {
          name: name ?? experiment ?? 'python',
          ...(experiment === undefined ? {} : { experiment }),
          ...(params === undefined ? {} : { params }),
          ...(tags === undefined ? {} : { tags }),
          ...(options.store === undefined ? {} : { store: options.store }),
          ...(options.server === undefined ? {} : { server: options.server }),
          ...(options.token === undefined ? {} : { token: options.token }),
          ...(options.env === undefined ? {} : { env: options.env }),
        },
        {
          sampleSystem: true,
          warn: options.warn,
          ...(pid === undefined ? {} : { jobPid: pid }),
          ...(argv === undefined ? {} : { command: argv }),
          ...(cwd === undefined ? {} : { cwd }),
        },
      );
      return run;
    },
    async end(joined, status) {
      ended = true;
      await joined.end(status);
    },
    warn: options.warn,
  };
  await serveStreams(host, options.input, options.output);
  if (run !== undefined && !ended) await run.end('killed');
}
