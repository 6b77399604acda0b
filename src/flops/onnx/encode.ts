import protobuf from 'protobufjs/light.js';
import type { AttributeValue, GraphTensor, GraphValue, ModelGraph } from '../types.js';
import { modelProto } from './schema.js';
import { DataType } from './tensor-values.js';

// Writing a ModelGraph as an ONNX ModelProto: for building test and benchmark graphs in code (no Python here).
// Tensors are written with their values when they have some (int64_data for int64, raw_data otherwise).

function packedInt64(values: readonly number[]): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const value of values) writer.int64(value);
  return writer.finish();
}

function rawData(values: readonly number[], dataType: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * (dataType === DataType.double ? 8 : 4)));
  values.forEach((value, index) => {
    if (dataType === DataType.double) view.setFloat64(index * 8, value, true);
    else if (dataType === DataType.int32) view.setInt32(index * 4, value, true);
    else view.setFloat32(index * 4, value, true);
  });
  return new Uint8Array(view.buffer);
}

function tensorProto(tensor: GraphTensor): Record<string, unknown> {
  const proto: Record<string, unknown> = { name: tensor.name, dims: tensor.dims, data_type: tensor.dataType };
  if (tensor.values !== undefined) {
    if (tensor.dataType === DataType.int64) proto.int64_data = packedInt64(tensor.values);
    else proto.raw_data = rawData(tensor.values, tensor.dataType);
  } else if (tensor.encoded !== undefined) {
    proto[tensor.encoded.field === 'raw' ? 'raw_data' : `${tensor.encoded.field}_data`] = tensor.encoded.bytes;
  } else {
    // No data: the weights of a model saved with external data, as in the fixtures.
    proto.data_location = 1;
  }
  return proto;
}

function attributeProto(name: string, value: AttributeValue): Record<string, unknown> {
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: 2, i: value } : { name, type: 1, f: value };
  if (typeof value === 'string') return { name, type: 3, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return { name, type: 8, strings: (value as string[]).map((v) => new TextEncoder().encode(v)) };
    const numbers = value as number[];
    return numbers.every(Number.isInteger) ? { name, type: 7, ints: numbers } : { name, type: 6, floats: numbers };
  }
  if ('nodes' in value) return { name, type: 5, g: graphProto(value) };
  return { name, type: 4, t: tensorProto(value) };
}

function valueInfoProto(value: GraphValue): Record<string, unknown> {
  const dims = value.dims?.map((dim) => (typeof dim === 'number' ? { dim_value: dim } : typeof dim === 'string' ? { dim_param: dim } : {}));
  return { name: value.name, type: { tensor_type: { elem_type: value.dataType, ...(dims ? { shape: { dim: dims } } : {}) } } };
}

function graphProto(graph: ModelGraph): Record<string, unknown> {
  return {
    name: 'graph',
    node: graph.nodes.map((node) => ({
      input: node.inputs,
      output: node.outputs,
      name: node.name,
      op_type: node.opType,
      domain: node.domain,
      attribute: Object.entries(node.attributes).map(([name, value]) => attributeProto(name, value)),
    })),
    initializer: graph.initializers.map(tensorProto),
    input: graph.inputs.map(valueInfoProto),
    output: graph.outputs.map(valueInfoProto),
    value_info: graph.valueInfo.map(valueInfoProto),
  };
}

/** Encodes a ModelGraph as ONNX ModelProto bytes (IR version 8). */
export function encodeOnnx(graph: ModelGraph): Uint8Array {
  const opsetImport = Object.entries(graph.opsets).map(([domain, version]) => ({ domain, version }));
  const message = modelProto.fromObject({ ir_version: 8, producer_name: graph.producer ?? 'runmeter', opset_import: opsetImport, graph: graphProto(graph) });
  return modelProto.encode(message).finish();
}
