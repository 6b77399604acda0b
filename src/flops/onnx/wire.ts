import protobuf from 'protobufjs/minimal.js';

// The protobuf wire format, through protobufjs' minimal runtime: the Reader that the static modules `pbjs`
// generates decode with. runmeter's ONNX decoder (decode.ts) is such a static decoder, written for the few fields
// of onnx.proto a FLOPs count reads; every other field is skipped without being decoded.

/** A protobufjs Reader. */
export type Reader = protobuf.Reader;

/** A Reader over bytes. */
export function createReader(bytes: Uint8Array): Reader {
  return protobuf.Reader.create(bytes);
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
  return reader.pos + length;
}

/** An int64 as a number (exact up to 2^53; INT64_MAX and its like become the nearest double). */
export function int64(reader: Reader): number {
  const value = reader.int64() as unknown as number | { toNumber(): number };
  return typeof value === 'number' ? value : value.toNumber();
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
