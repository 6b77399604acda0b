/**
 * The last bytes a job wrote to one stream, kept so that the cause of its end can be read from them (the last line of a
 * traceback, `CUDA out of memory`, an NCCL error). Holds at most `limit` bytes, whatever the job prints.
 */
export class OutputTail {
  private chunks: Uint8Array[] = [];
  private held = 0;
  /** Whether bytes before the kept ones were let go: the first kept line may then be cut. */
  private cut = false;

  constructor(private readonly limit = 32 * 1024) {}

  /** Adds bytes the job wrote. The bytes are copied only when they may be among the last kept. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const kept = bytes.length > this.limit ? bytes.subarray(bytes.length - this.limit) : bytes;
    if (kept !== bytes) this.cut = true;
    this.chunks.push(Uint8Array.from(kept));
    this.held += kept.length;
    while (this.chunks.length > 1 && this.held - (this.chunks[0]?.length ?? 0) >= this.limit) {
      this.held -= this.chunks.shift()?.length ?? 0;
      this.cut = true;
    }
  }

  /** The kept bytes as text, starting at the first whole line (a cut line's start would read as garbage). */
  text(): string {
    const bytes = new Uint8Array(this.held);
    let at = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    let start = Math.max(0, this.held - this.limit);
    if (start > 0 || this.cut) {
      const newline = bytes.indexOf(0x0a, start);
      start = newline < 0 ? start : newline + 1;
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start));
  }
}
