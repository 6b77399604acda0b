import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { Reader } from '../../../src/flops/onnx/wire.js';

// The wire reader against protobufjs' Writer, which encodes what the ONNX exporters' protobuf libraries encode.

describe('protobuf wire reader', () => {
  it('reads int64 varints exactly, negatives in ten bytes included', () => {
    const values = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, -1, -2, -128, -(2 ** 31), -(2 ** 40) - 3];
    const writer = protobuf.Writer.create();
    for (const value of values) writer.int64(value);
    const reader = new Reader(writer.finish());
    expect(values.map(() => reader.int64())).toEqual(values);
    expect(reader.pos).toBe(reader.len);
  });

  it('reads INT64_MAX as the nearest double, as torch writes "to the end" in Slice', () => {
    const writer = protobuf.Writer.create();
    writer.int64('9223372036854775807');
    expect(new Reader(writer.finish()).int64()).toBe(2 ** 63);
  });

  it('reads uint32, int32, floats, doubles, strings and bytes, and skips each wire type', () => {
    const writer = protobuf.Writer.create();
    writer
      .uint32(4_000_000_000)
      .int32(-5)
      .float(1.5)
      .double(-2.25)
      .string('Conv_0/weight')
      .string('Gewichtß')
      .bytes(new Uint8Array([1, 2, 3]));
    writer.uint32((1 << 3) | 0).uint64(2 ** 40);
    writer.uint32((2 << 3) | 1).double(3);
    writer.uint32((3 << 3) | 2).string('skipped');
    writer.uint32((4 << 3) | 5).float(4);
    writer.uint32((9 << 3) | 0).int32(42);
    const reader = new Reader(writer.finish());
    expect([reader.uint32(), reader.int32(), reader.float(), reader.double(), reader.string(), reader.string()]).toEqual([
      4_000_000_000,
      -5,
      1.5,
      -2.25,
      'Conv_0/weight',
      'Gewichtß',
    ]);
    expect([...reader.bytes()]).toEqual([1, 2, 3]);
    for (let field = 0; field < 4; field++) reader.skipType(reader.uint32() & 7);
    expect(reader.uint32()).toBe((9 << 3) | 0);
    expect(reader.int32()).toBe(42);
  });

  it('throws a RangeError past the end instead of reading garbage', () => {
    expect(() => new Reader(new Uint8Array([0x80])).uint32()).toThrow(RangeError);
    expect(() => new Reader(new Uint8Array([0x05, 0x61])).string()).toThrow('at byte 1: a field of 5 bytes runs past the end of the input (2 bytes)');
  });
});
