import { once } from 'node:events';

/**
 * Writes text to a stream and waits whenever the stream asks to (backpressure), so an export never piles up in
 * memory. A stream error (a closed pipe, a full disk) is caught and thrown by the next write, not left to crash the
 * process as an unhandled 'error' event.
 */
export class Output {
  private failure: Error | undefined;

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  /** Writes `text`; resolves when the stream can take more. */
  async write(text: string): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (text === '') return;
    if (!this.out.write(text)) await once(this.out as NodeJS.EventEmitter, 'drain');
    if (this.failure !== undefined) throw this.failure;
  }
}
