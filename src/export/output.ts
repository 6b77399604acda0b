import { once } from 'node:events';

/** Writes text to a stream and waits whenever the stream asks to (backpressure), so an export never piles up in memory. */
export class Output {
  constructor(private readonly out: NodeJS.WritableStream) {}

  /** Writes `text`; resolves when the stream can take more. */
  async write(text: string): Promise<void> {
    if (text === '') return;
    if (!this.out.write(text)) await once(this.out as NodeJS.EventEmitter, 'drain');
  }
}
