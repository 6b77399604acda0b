/**
 * Serves small reads of a run's output from one window read ahead, so a reader that walks the output index piece
 * by piece (`runmeter logs`) makes one round trip per window instead of one per piece. Bytes at an offset never
 * change once written, so a window stays true; only bytes past its end (not written yet then) are fetched again.
 */
export class OutputReadAhead {
  private window: { key: string; offset: number; bytes: Uint8Array } | undefined;

  constructor(private readonly windowBytes: number) {}

  /** `length` bytes from `offset` of the stream `key`, through the window when they fit in one. */
  async read(key: string, offset: number, length: number, fetch: (offset: number, length: number) => Promise<Uint8Array>): Promise<Uint8Array> {
    const w = this.window;
    if (w !== undefined && w.key === key && offset >= w.offset && offset + length <= w.offset + w.bytes.length) {
      return w.bytes.slice(offset - w.offset, offset - w.offset + length);
    }
    if (length <= 0 || length >= this.windowBytes) return fetch(offset, length);
    const bytes = await fetch(offset, this.windowBytes);
    this.window = { key, offset, bytes };
    return bytes.slice(0, length);
  }

  /** Drops the window (after this process wrote output, which may have filled a gap inside it). */
  forget(): void {
    this.window = undefined;
  }
}
