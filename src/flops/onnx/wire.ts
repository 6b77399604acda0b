// The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), read directly: varints, fixed 32- and
// 64-bit values, and length-delimited fields. runmeter's ONNX decoder (decode.ts) is a static decoder written for the
// few fields of onnx.proto a FLOPs count reads; every other field is skipped without being decoded. Reading the wire
// here rather than through protobufjs keeps `runmeter flops` from loading a protobuf runtime at start-up.

const nonAscii = /[^\x00-\x7f]/;

/** Reads protobuf wire values from bytes; `pos` advances past what is read. Reading past the end throws a RangeError. */
export class Reader {
  pos = 0;
  readonly len: number;
  readonly buf: Uint8Array;
  private readonly view: DataView;
  /** The same bytes as a Buffer, for its native string slicing. */
  private readonly text: Buffer;

  constructor(bytes: Uint8Array) {
    // A plain view, even of a Node Buffer: a Buffer's subarray() builds a Buffer, several times slower.
    this.buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.len = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private byte(): number {
    if (this.pos >= this.len) throw new RangeError(`at byte ${this.pos}: a value runs past the end of the input (${this.len} bytes)`);
    return this.buf[this.pos++] as number;
  }

  private need(size: number): number {
    const at = this.pos;
    if (at + size > this.len) throw pastTheEnd(at, size, this.len);
    this.pos = at + size;
    return at;
  }

  /** A varint's low 32 bits, unsigned (the rest of a longer varint is read and dropped). */
  uint32(): number {
    // One byte (tags, lengths under 128, small enums): most varints, read without a call.
    const first = this.buf[this.pos];
    if (first !== undefined && first < 0x80) {
      this.pos++;
      return first;
    }
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value = (value | ((b & 0x7f) << shift)) >>> 0;
      if (b < 0x80) return value;
    }
    while (this.byte() >= 0x80);
    return value;
  }

  int32(): number {
    return this.uint32() | 0;
  }

  /** An int64 varint as a number: exact up to 2^53, two's complement for negatives (encoded in 10 bytes). */
  int64(): number {
    return this.varint64(true);
  }

  uint64(): number {
    return this.varint64(false);
  }

  private varint64(signed: boolean): number {
    let low = 0;
    let high = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const b = this.byte();
      low |= (b & 0x7f) << shift;
      if (b < 0x80) return low >>> 0;
    }
    const fifth = this.byte();
    low = (low | ((fifth & 0x7f) << 28)) >>> 0;
    high = (fifth & 0x7f) >> 4;
    if (fifth >= 0x80) {
      for (let shift = 3; shift < 64 - 28; shift += 7) {
        const b = this.byte();
        high = (high | ((b & 0x7f) << shift)) >>> 0;
        if (b < 0x80) break;
      }
    }
    if (signed && high & 0x80000000) {
      // Negate the two's complement: -(~value + 1), with the carry from the low word into the high one.
      const negatedLow = (~low + 1) >>> 0;
      const negatedHigh = (~high + (negatedLow === 0 ? 1 : 0)) >>> 0;
      return -(negatedHigh * 2 ** 32 + negatedLow);
    }
    return high * 2 ** 32 + low;
  }

  float(): number {
    return this.view.getFloat32(this.need(4), true);
  }

  double(): number {
    return this.view.getFloat64(this.need(8), true);
  }

  /** A length-delimited field's bytes, as a view of the input (nothing copied). */
  bytes(): Uint8Array {
    const length = this.uint32();
    const at = this.need(length);
    return this.buf.subarray(at, at + length);
  }

  string(): string {
    const length = this.uint32();
    const at = this.need(length);
    // ASCII names (nearly all) as one-byte strings, sliced natively with no view made: every name is a Map key later.
    const text = this.text.toString('latin1', at, at + length);
    return nonAscii.test(text) ? this.text.toString('utf8', at, at + length) : text;
  }

  /** Skips a field of this wire type: varint 0, fixed64 1, length-delimited 2, group 3 (to its end), fixed32 5. */
  skipType(wireType: number): void {
    switch (wireType) {
      case 0:
        while (this.byte() >= 0x80);
        break;
      case 1:
        this.need(8);
        break;
      case 2:
        this.need(this.uint32());
        break;
      case 3:
        for (;;) {
          const tag = this.uint32();
          if ((tag & 7) === 4) break;
          this.skipType(tag & 7);
        }
        break;
      case 5:
        this.need(4);
        break;
      default:
        throw new Error(`at byte ${this.pos}: invalid wire type ${wireType} (protobuf has 0, 1, 2, 3, 5)`);
    }
  }
}

/** A Reader over bytes. */
export function createReader(bytes: Uint8Array): Reader {
  return new Reader(bytes);
}

/** Reads the fields of a message ending at `end`; `field` reads the ones it wants and returns false for the others. */
export function readFields(reader: Reader, end: number, field: (fieldNumber: number, wireType: number) => boolean): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (!field(tag >>> 3, tag & 7)) reader.skipType(tag & 7);
  }
}

/** The end position of the length-delimited message starting at the reader's position. */
export function messageEnd(reader: Reader): number {
  const length = reader.uint32();
  if (reader.pos + length > reader.len) throw pastTheEnd(reader.pos, length, reader.len);
  return reader.pos + length;
}

/** A field longer than what is left: a truncated file, or bytes that are not protobuf. Offsets count from 0. */
function pastTheEnd(at: number, size: number, len: number): RangeError {
  return new RangeError(`at byte ${at}: a field of ${size} bytes runs past the end of the input (${len} bytes)`);
}

/** An int64 as a number (exact up to 2^53; INT64_MAX and its like become the nearest double). */
export function int64(reader: Reader): number {
  return reader.int64();
}

/** One element of a repeated scalar field, or all of them when the field is packed (wire type 2). */
export function readRepeated(reader: Reader, wireType: number, readOne: (reader: Reader) => number, into: number[]): void {
  if (wireType !== 2) {
    into.push(readOne(reader));
    return;
  }
  const end = messageEnd(reader);
  while (reader.pos < end) into.push(readOne(reader));
}
