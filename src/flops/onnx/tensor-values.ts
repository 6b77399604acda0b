import type { GraphTensor } from '../types.js';
import { Reader } from './wire.js';

// Reads the values of a constant tensor, only when it is small enough to matter for shape arithmetic
// (shape vectors, axes, scalars, Resize scales). Weights are never read: they are too large, and often absent.

/** Tensors with more elements than this are never read. */
export const maxFoldedElements = 4096;

/** ONNX TensorProto.DataType codes used here. */
export const DataType = {
  float: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  double: 11,
  uint32: 12,
  uint64: 13,
  bfloat16: 16,
} as const;

/** Number of elements of a tensor with these dims (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (let i = 0; i < dims.length; i++) count *= dims[i] as number;
  return count;
}

/** The tensor's values as numbers, or undefined when it is large, stored elsewhere, or of a type not read here. */
export function tensorValues(tensor: GraphTensor): number[] | undefined {
  if (tensor.values !== undefined) return tensor.values;
  const count = elementCount(tensor.dims);
  if (tensor.encoded === undefined || count > maxFoldedElements) return undefined;
  const { field, bytes } = tensor.encoded;
  let values: number[] | undefined;
  try {
    values = field === 'raw' ? readRaw(bytes, tensor.dataType, count) : readPacked(bytes, field, tensor.dataType);
  } catch {
    // Truncated data: the values stay unknown, as for a tensor stored elsewhere.
    return undefined;
  }
  return values !== undefined && values.length === count ? values : undefined;
}

function readRaw(bytes: Uint8Array, dataType: number, count: number): number[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Array<number>(count);
  const width = byteWidth(dataType);
  if (width === undefined || bytes.byteLength < width * count) return undefined;
  for (let i = 0; i < count; i++) {
    const at = i * width;
    switch (dataType) {
      case DataType.float:
        values[i] = view.getFloat32(at, true);
        break;
      case DataType.double:
        values[i] = view.getFloat64(at, true);
        break;
      case DataType.int64:
        values[i] = Number(view.getBigInt64(at, true));
        break;
      case DataType.uint64:
        values[i] = Number(view.getBigUint64(at, true));
        break;
      case DataType.int32:
        values[i] = view.getInt32(at, true);
        break;
      case DataType.uint32:
        values[i] = view.getUint32(at, true);
        break;
      case DataType.int16:
        values[i] = view.getInt16(at, true);
        break;
      case DataType.uint16:
        values[i] = view.getUint16(at, true);
        break;
      case DataType.int8:
        values[i] = view.getInt8(at);
        break;
      case DataType.float16:
        values[i] = halfToNumber(view.getUint16(at, true));
        break;
      case DataType.bfloat16:
        values[i] = bfloat16ToNumber(view.getUint16(at, true));
        break;
      default:
        values[i] = view.getUint8(at);
    }
  }
  return values;
}

function byteWidth(dataType: number): number | undefined {
  switch (dataType) {
    case DataType.double:
    case DataType.int64:
    case DataType.uint64:
      return 8;
    case DataType.float:
    case DataType.int32:
    case DataType.uint32:
      return 4;
    case DataType.int16:
    case DataType.uint16:
    case DataType.float16:
    case DataType.bfloat16:
      return 2;
    case DataType.int8:
    case DataType.uint8:
    case DataType.bool:
      return 1;
    default:
      return undefined;
  }
}

// Packed repeated fields: varints for int32/int64/uint64, little-endian fixed widths for float/double.
function readPacked(bytes: Uint8Array, field: 'float' | 'double' | 'int32' | 'int64' | 'uint64', dataType: number): number[] {
  const reader = new Reader(bytes);
  const values: number[] = [];
  while (reader.pos < reader.len) {
    if (field === 'float') values.push(reader.float());
    else if (field === 'double') values.push(reader.double());
    else if (field === 'int32') values.push(reader.int32());
    else values.push(field === 'int64' ? reader.int64() : reader.uint64());
  }
  // int32_data carries float16 and bfloat16 as their bit patterns.
  if (field === 'int32' && dataType === DataType.float16) return values.map(halfToNumber);
  if (field === 'int32' && dataType === DataType.bfloat16) return values.map(bfloat16ToNumber);
  return values;
}

function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloat16ToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}
