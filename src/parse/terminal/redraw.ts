/** The longest redraw kept: beyond this a line's bytes still pass to the log but are not parsed. */
export const MAX_REDRAW_BYTES = 64 * 1024;

const SPACE = 0x20;
const TAB = 0x09;

/**
 * One redraw of a terminal line (the text between two `\r`), escapes removed. It points into the chunk being
 * parsed while it can, and copies into a buffer of its own (at most MAX_REDRAW_BYTES) when it must.
 */
export class Redraw {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  /** Whether `buf` is this redraw's own buffer (else it is the caller's chunk). */
  owned = false;
  /** Bytes were dropped past MAX_REDRAW_BYTES. */
  truncated = false;
  private own: Buffer | undefined;

  get length(): number {
    return this.end - this.start;
  }

  /** Empty again; keeps its own buffer for reuse. */
  clear(): void {
    this.start = 0;
    this.end = 0;
    this.owned = false;
    this.truncated = false;
  }

  /** True when it holds nothing but spaces and tabs: such a redraw only clears a bar, and does not replace the last one. */
  isBlank(): boolean {
    const { buf, end } = this;
    for (let i = this.start; i < end; i++) {
      const b = buf[i];
      if (b !== SPACE && b !== TAB) return false;
    }
    return !this.truncated;
  }

  /** Now `src[from, to)`, in place (at most MAX_REDRAW_BYTES). */
  point(src: Buffer, from: number, to: number): void {
    this.clear();
    this.append(src, from, to);
  }

  /** Appends `src[from, to)`. */
  append(src: Buffer, from: number, to: number): void {
    if (this.truncated || to <= from) return;
    if (this.end === this.start && !this.owned) {
      // The common case: the redraw is one run of the chunk; point at it.
      this.buf = src;
      this.start = from;
      this.end = Math.min(to, from + MAX_REDRAW_BYTES);
      this.truncated = to - from > MAX_REDRAW_BYTES;
      return;
    }
    if (!this.owned) this.takeOwnership(this.end);
    const room = MAX_REDRAW_BYTES - this.end;
    const count = Math.min(room, to - from);
    src.copy(this.buf, this.end, from, from + count);
    this.end += count;
    if (count < to - from) this.truncated = true;
  }

  /** Erases `count` characters (not bytes: a UTF-8 character goes whole), as `\b` does. */
  erase(count: number): void {
    const { buf, start } = this;
    let end = this.end;
    // Every character is at least a byte: as many backspaces as bytes erase them all.
    if (count >= end - start) {
      this.end = start;
      return;
    }
    for (let n = 0; n < count && end > start; n++) {
      end--;
      while (end > start && ((buf[end] as number) & 0xc0) === 0x80) end--;
    }
    this.end = end;
  }

  /** Copies the bytes up to `keepTo` into its own buffer, so the caller's chunk can go. */
  takeOwnership(keepTo = this.end): void {
    if (this.owned) return;
    this.own ??= Buffer.allocUnsafe(MAX_REDRAW_BYTES);
    // Bytes erased by `\b` but kept up to `keepTo` stay readable past `end`, for a `\b` run that empties the line.
    this.buf.copy(this.own, 0, this.start, keepTo);
    this.end -= this.start;
    this.start = 0;
    this.buf = this.own;
    this.owned = true;
  }

  /** Trades contents with another redraw (their own buffers go with them). */
  swap(other: Redraw): void {
    const { buf, start, end, owned, truncated, own } = this;
    this.buf = other.buf;
    this.start = other.start;
    this.end = other.end;
    this.owned = other.owned;
    this.truncated = other.truncated;
    this.own = other.own;
    other.buf = buf;
    other.start = start;
    other.end = end;
    other.owned = owned;
    other.truncated = truncated;
    other.own = own;
  }
}
