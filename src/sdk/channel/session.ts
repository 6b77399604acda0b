import type { Readable, Writable } from 'node:stream';
import type { EndStatus } from '../options.js';
import type { Run } from '../run.js';
import { LineSplitter } from './lines.js';
import { type ChannelAnswer, type ChannelMessage, parseMessage, type WirePoint, wireValue } from './protocol.js';

export type HelloMessage = Extract<ChannelMessage, { type: 'hello' }>;

/** What a channel serves: the run a client's messages go to, and how that run ends. */
export interface ChannelHost {
  /** The run a client's hello starts or joins (a client that sends points first gets an implicit hello). */
  open(hello: HelloMessage): Promise<Run>;
  /** The client ended its run (`end_run`). */
  end(run: Run, status: EndStatus): Promise<void>;
  /** Says a message runmeter could not apply, on runmeter's own stderr (the client is told too). */
  warn(message: string): void;
}

/** `logFlopsPerBatch: ...` as the Python client's user knows the call: `log_flops_per_batch: ...`. */
function inClientWords(message: string): string {
  return message.replace(/^([a-z]+[A-Z][A-Za-z]*):/, (_, call: string) => `${call.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}:`);
}

/**
 * One client's conversation: its messages are applied to its run in the order they came, each answered where the
 * protocol says so. A message that cannot be applied is answered with an error and said once as a warning; the
 * conversation goes on, and the client's program never waits for runmeter.
 */
export class ChannelSession {
  private run: Run | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: ChannelHost,
    private readonly send: (answer: ChannelAnswer) => void,
  ) {}

  /** Takes one line of the channel; it is applied after every line before it. */
  line(text: string): void {
    // Parsed now, answered in turn: the answers come in the order of the messages.
    let message: ChannelMessage | undefined;
    let problem: unknown;
    try {
      message = parseMessage(text);
    } catch (error) {
      problem = error;
    }
    this.chain = this.chain.then(() => (message === undefined ? this.refuse(problem) : this.apply(message))).catch((error: unknown) => this.refuse(error));
  }

  /** Resolves once every line taken so far is applied. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Says why a message could not be applied, to the client and on runmeter's stderr. */
  refuse(error: unknown): void {
    const message = inClientWords(error instanceof Error ? error.message : String(error));
    this.host.warn(message);
    this.send({ type: 'error', message });
  }

  private async joined(): Promise<Run> {
    this.run ??= await this.host.open({ type: 'hello', version: 1 });
    return this.run;
  }

  private async apply(message: ChannelMessage): Promise<void> {
    switch (message.type) {
      case 'hello': {
        const run = await this.host.open(message);
        this.run = run;
        this.send({ type: 'welcome', run: run.id, name: run.name, attached: run.attached, store: run.storeLocation, version: 1 });
        return;
      }
      case 'points':
        return this.points(await this.joined(), message.points);
      case 'params':
        return this.background((await this.joined()).logParams(message.params));
      case 'system':
        return (await this.joined()).logSystemMetrics(message.context, message.step);
      case 'flops': {
        const run = await this.joined();
        const options = message.training === undefined ? undefined : { training: message.training };
        const { label, model, size, context, step } = message;
        return this.background(
          message.per === 'batch'
            ? run.logFlopsPerBatch(label, model, size, context, step, options)
            : run.logFlopsPerEpoch(label, model, size, context, step, options),
        );
      }
      case 'artifact': {
        const run = await this.joined();
        const place = { ...(message.name === undefined ? {} : { name: message.name }), ...(message.context === undefined ? {} : { context: message.context }) };
        return this.background(message.kind === 'model' ? run.logModel(message.path, place) : run.logArtifact(message.path, place));
      }
      case 'flush': {
        const run = await this.joined();
        try {
          await run.flush();
          this.send({ type: 'flushed', id: message.id });
        } catch (error) {
          this.send({ type: 'flushed', id: message.id, error: (error as Error).message });
        }
        return;
      }
      case 'end':
        await this.host.end(await this.joined(), message.status);
        this.send(message.id === undefined ? { type: 'ended' } : { type: 'ended', id: message.id });
        return;
    }
  }

  /** Records a batch of points: a bad point is refused alone, and the first problem is said once for the batch. */
  private points(run: Run, points: WirePoint[]): void {
    let refused = 0;
    let first: unknown;
    for (const point of points) {
      try {
        if (!Array.isArray(point) || point.length !== 6) throw new Error('expected [name, context, time, step, epoch, value]');
        const [name, context, time, step, epoch, raw] = point;
        const value = wireValue(raw);
        run.logMetric(name, value ?? (raw as number), {
          ...(context === null ? {} : { context }),
          ...(step === null ? {} : { step }),
          ...(epoch === null ? {} : { epoch }),
          timestamp: time,
        });
      } catch (error) {
        refused++;
        first ??= error;
      }
    }
    if (refused > 0) {
      const why = first instanceof Error ? first.message : String(first);
      this.refuse(new Error(`log_metric: ${refused} of ${points.length} points refused; the first: ${why.replace(/^logMetric: /, '')}`));
    }
  }

  /** A write the run tracks (flush waits for it): its failure is said, not thrown. */
  private background(write: Promise<unknown>): void {
    write.catch((error: unknown) => this.refuse(error));
  }
}

/** Serves one client over a pair of streams; resolves once its input ended and every message is applied. */
export function serveStreams(host: ChannelHost, input: Readable, output: Writable): Promise<void> {
  const session = new ChannelSession(host, (answer) => {
    if (output.writable) output.write(`${JSON.stringify(answer)}\n`);
  });
  output.on('error', () => {}); // a client that went away hears no answers; its messages were still applied
  const lines = new LineSplitter(
    (line) => session.line(line),
    (max) => session.refuse(new Error(`channel: a message longer than ${max} bytes was refused`)),
  );
  return new Promise((resolve) => {
    input.on('data', (chunk: Buffer) => lines.push(chunk));
    let over = false;
    const ended = () => {
      if (over) return;
      over = true;
      lines.end();
      void session.settled().then(resolve);
    };
    input.once('end', ended);
    input.once('error', ended);
    input.once('close', ended);
  });
}
