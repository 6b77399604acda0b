// Output bytes written a word at a time: JSON Lines output is mostly fixed text (`{"name":"`, `,"format":"json"}`)
// and short copies, and on a byte at a time those would cost more than reading the input.

/** Bytes past the end that a write may touch (and the next write overwrites). */
const SLACK = 8;

/** Text as UTF-8, in the little-endian 32-bit words that write it (the last one padded); `length` counts bytes. */
export class FixedBytes {
  readonly length: number;
  readonly words: Uint32Array;

  constructor(readonly text: string) {
    const utf8 = Buffer.from(text, 'utf8');
    this.length = utf8.length;
    const bytes = new Uint8Array(Math.ceil(utf8.length / 4) * 4);
    bytes.set(utf8);
    const view = new DataView(bytes.buffer);
    this.words = Uint32Array.from({ length: bytes.length / 4 }, (_, k) => view.getUint32(k * 4, true));
  }
}

/** A growing output buffer. */
export class ByteWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;
  /** The source buffer last copied from, and a view of it for reading words. */
  private source: Buffer | undefined;
  private sourceView: DataView | undefined;

  constructor(private readonly capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Room for `bytes` more. */
  reserve(bytes: number): void {
    if (this.pos + bytes + SLACK <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes + SLACK));
    this.buf.copy(grown, 0, 0, this.pos);
    this.use(grown);
  }

  fixed(text: FixedBytes): void {
    const view = this.view;
    const words = text.words;
    let at = this.pos;
    for (let k = 0; k < words.length; k++, at += 4) view.setUint32(at, words[k] as number, true);
    this.pos += text.length;
  }

  /** Copies `src[start, end)`: short runs a word at a time, long ones natively. */
  copy(src: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length > 48 || end + 4 > src.length) {
      if (length > 48) this.pos += src.copy(this.buf, this.pos, start, end);
      else for (let i = start; i < end; i++) this.buf[this.pos++] = src[i] as number;
      return;
    }
    if (src !== this.source) {
      this.source = src;
      this.sourceView = new DataView(src.buffer, src.byteOffset, src.length);
    }
    const from = this.sourceView as DataView;
    const view = this.view;
    let to = this.pos;
    for (let at = start; at < end; at += 4, to += 4) view.setUint32(to, from.getUint32(at, true), true);
    this.pos += length;
  }

  /** Text, as UTF-8. */
  text(text: string): void {
    this.reserve(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** ASCII text. */
  ascii(text: string): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  /** A non-negative integer's digits (a line number, a rank), written without making a string. */
  integer(value: number): void {
    if (!(value >= 0 && value < 2 ** 31)) {
      this.ascii(String(value));
      return;
    }
    const length =
      value < 1e5
        ? value < 10
          ? 1
          : value < 100
            ? 2
            : value < 1e3
              ? 3
              : value < 1e4
                ? 4
                : 5
        : value < 1e6
          ? 6
          : value < 1e7
            ? 7
            : value < 1e8
              ? 8
              : value < 1e9
                ? 9
                : 10;
    const buf = this.buf;
    // Int32 division by 10 compiles to a multiplication.
    let rest = value | 0;
    for (let i = this.pos + length - 1; i >= this.pos; i--) {
      const next = (rest / 10) | 0;
      buf[i] = 0x30 + rest - next * 10;
      rest = next;
    }
    this.pos += length;
  }

  /** The bytes written since the last call, in a buffer of their own (a pipe may hold on to it a while). */
  take(): Buffer {
    const length = this.pos;
    this.pos = 0;
    if (length < this.capacity / 4) {
      const out = Buffer.allocUnsafe(length);
      this.buf.copy(out, 0, 0, length);
      return out;
    }
    // Most of a buffer full: hand it over whole rather than copy it, and write into a new one.
    const out = this.buf.subarray(0, length);
    this.use(Buffer.allocUnsafe(this.buf.length));
    return out;
  }

  private use(buf: Buffer): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }
}
