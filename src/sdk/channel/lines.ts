/** The longest message the channel takes: a batch of points is far smaller; anything longer is refused. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Splits a byte stream into lines ("\n"-terminated, UTF-8) without holding more than one line. A line longer than
 * `maxBytes` is skipped to its end and reported once, and the lines after it are read as usual.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: (maxBytes: number) => void,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}

  /** Takes the next chunk of the stream. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      this.complete(chunk.subarray(start, end));
      start = end + 1;
    }
    if (start < chunk.length && !this.skipping) {
      const rest = chunk.subarray(start);
      if (this.pendingBytes + rest.length > this.maxBytes) this.refuse();
      else {
        this.pending.push(rest);
        this.pendingBytes += rest.length;
      }
    }
  }

  /** The stream ended: a last line without its "\n" counts too. */
  end(): void {
    if (!this.skipping && this.pendingBytes > 0) this.complete(Buffer.alloc(0));
  }

  private complete(piece: Buffer): void {
    if (this.skipping) this.skipping = false;
    else if (this.pendingBytes + piece.length > this.maxBytes) this.onTooLong(this.maxBytes);
    else {
      const line = this.pending.length === 0 ? piece.toString('utf8') : Buffer.concat([...this.pending, piece]).toString('utf8');
      if (line.trim() !== '') this.onLine(line);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  private refuse(): void {
    this.skipping = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.onTooLong(this.maxBytes);
  }
}
