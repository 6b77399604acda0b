/**
 * The last bytes a job wrote to one stream, kept so that the cause of its end can be read from them (the last line of a
 * traceback, `CUDA out of memory`, an NCCL error). Holds at most `limit` bytes, whatever the job prints, in one ring
 * allocated once: a chunk costs a copy, never an allocation.
 */
export class OutputTail {
  private readonly ring: Uint8Array;
  /** Bytes pushed in all; the next goes at `written % limit`. */
  private written = 0;

  constructor(private readonly limit = 32 * 1024) {
    this.ring = new Uint8Array(limit);
  }

  /** Adds bytes the job wrote. */
  push(bytes: Uint8Array): void {
    const kept = bytes.length > this.limit ? bytes.subarray(bytes.length - this.limit) : bytes;
    this.written += bytes.length - kept.length;
    let from = 0;
    while (from < kept.length) {
      const at = this.written % this.limit;
      const count = Math.min(kept.length - from, this.limit - at);
      this.ring.set(kept.subarray(from, from + count), at);
      from += count;
      this.written += count;
    }
  }

  /** The kept bytes as text, starting at the first whole line (a cut line's start would read as garbage). */
  text(): string {
    const held = Math.min(this.written, this.limit);
    const at = this.written % this.limit;
    const bytes = new Uint8Array(held);
    if (this.written <= this.limit) bytes.set(this.ring.subarray(0, held));
    else {
      bytes.set(this.ring.subarray(at), 0);
      bytes.set(this.ring.subarray(0, at), this.limit - at);
    }
    let start = 0;
    if (this.written > this.limit) {
      const newline = bytes.indexOf(0x0a);
      start = newline < 0 ? 0 : newline + 1;
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start));
  }
}
