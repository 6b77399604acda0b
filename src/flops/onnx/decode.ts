import { RunmeterError } from '../../model/errors.js';
import type { AttributeValue, EncodedTensorData, GraphNode, GraphTensor, GraphValue, ModelGraph } from '../types.js';
import { type FunctionDefinition, inlineLocalFunctions } from './functions.js';
import { createReader, int64, messageEnd, type Reader, readFields, readRepeated } from './wire.js';

// A static decoder for the part of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that a FLOPs
// count needs: ModelProto.opset_import/graph/functions, GraphProto.node/initializer/input/output/value_info, NodeProto,
// AttributeProto, TensorProto's dims, type and data fields (kept as views of the file, never decoded here), and
// ValueInfoProto's tensor type. Field numbers are those of onnx.proto, unchanged since IR version 3.

const utf8 = new TextDecoder();
const readFloat = (reader: Reader) => reader.float();

/** '' and 'ai.onnx' both name the standard operator set. */
export function normalizeDomain(domain: string | undefined): string {
  return domain === undefined || domain === 'ai.onnx' ? '' : domain;
}

/** Decodes an ONNX ModelProto into a ModelGraph, reading no tensor data. */
export function decodeOnnx(bytes: Uint8Array, source = 'the model'): ModelGraph {
  let model: { graph?: ModelGraph; opsets: Record<string, number>; producer: string; functions: FunctionDefinition[] };
  try {
    model = readModel(createReader(bytes), bytes.length);
  } catch (error) {
    // The wire reader's messages say where: "at byte N: a field of M bytes runs past the end of the input (L bytes)".
    throw new RunmeterError('E_MODEL', `${source} is not an ONNX model, or is truncated: expected a protobuf ModelProto, ${(error as Error).message}`, {
      cause: error,
    });
  }
  const graph = model.graph;
  if (graph === undefined || (graph.nodes.length === 0 && graph.inputs.length === 0)) {
    throw new RunmeterError('E_MODEL', `${source} is not an ONNX model: expected a ModelProto with a graph, found none`);
  }
  graph.opsets = model.opsets;
  if (model.producer) graph.producer = model.producer;
  if (model.functions.length > 0) graph.nodes = inlineLocalFunctions(graph.nodes, model.functions);
  return graph;
}

function readModel(reader: Reader, end: number) {
  const model = { graph: undefined as ModelGraph | undefined, opsets: {} as Record<string, number>, producer: '', functions: [] as FunctionDefinition[] };
  let producerVersion = '';
  readFields(reader, end, (field) => {
    if (field === 8) {
      let domain = '';
      let version = 0;
      readFields(reader, messageEnd(reader), (inner) => {
        if (inner === 1) domain = reader.string();
        else if (inner === 2) version = int64(reader);
        else return false;
        return true;
      });
      model.opsets[normalizeDomain(domain)] = version;
    } else if (field === 2) model.producer = reader.string();
    else if (field === 3) producerVersion = reader.string();
    else if (field === 7) model.graph = readGraph(reader, messageEnd(reader));
    else if (field === 25) model.functions.push(readFunction(reader, messageEnd(reader)));
    else return false;
    return true;
  });
  model.producer = `${model.producer} ${producerVersion}`.trim();
  return model;
}

// The readers below walk their fields in plain loops rather than through readFields' callback: a count runs once per
// process, cold, where a closure per message and a call per field are most of the decoding time.

function readGraph(reader: Reader, end: number): ModelGraph {
  const graph: ModelGraph = { format: 'onnx', opsets: {}, nodes: [], inputs: [], outputs: [], valueInfo: [], initializers: [] };
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1) graph.nodes.push(readNode(reader, messageEnd(reader)));
    else if (field === 5) graph.initializers.push(readTensor(reader, messageEnd(reader)));
    else if (field === 11) graph.inputs.push(readValueInfo(reader, messageEnd(reader)));
    else if (field === 12) graph.outputs.push(readValueInfo(reader, messageEnd(reader)));
    else if (field === 13) graph.valueInfo.push(readValueInfo(reader, messageEnd(reader)));
    else reader.skipType(tag & 7);
  }
  return graph;
}

// A node's input and output names gather on these stacks and leave them as arrays of their exact length: an array
// that grows by push holds 17 slots for two names, and a 3,000-node graph kept ~0.7 MB of empty slots alive, copied
// by every scavenge. A subgraph's nodes (in an attribute) gather above the enclosing node's names and leave first.
// The stacks' tops are kept apart from their lengths: V8 gives an array cut to length 0 a new backing store.
const names = { inputs: [] as string[], outputs: [] as string[], inputsTop: 0, outputsTop: 0 };

/** Decodes a NodeProto; attributes that refer to an enclosing function's (ref_attr_name) are recorded in `refs`. */
function readNode(reader: Reader, end: number, refs?: Record<string, string>): GraphNode {
  const node: GraphNode = { opType: '', domain: '', name: '', inputs: [], outputs: [], attributes: {} };
  const inputsFrom = names.inputsTop;
  const outputsFrom = names.outputsTop;
  try {
    readNodeFields(reader, end, node, refs);
    node.inputs = names.inputs.slice(inputsFrom, names.inputsTop);
    node.outputs = names.outputs.slice(outputsFrom, names.outputsTop);
  } finally {
    names.inputsTop = inputsFrom;
    names.outputsTop = outputsFrom;
  }
  return node;
}

function readNodeFields(reader: Reader, end: number, node: GraphNode, refs: Record<string, string> | undefined): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1) names.inputs[names.inputsTop++] = reader.string();
    else if (field === 2) names.outputs[names.outputsTop++] = reader.string();
    else if (field === 3) node.name = reader.string();
    else if (field === 4) node.opType = reader.string();
    else if (field === 7) node.domain = normalizeDomain(reader.string());
    else if (field === 5) {
      const attribute = readAttribute(reader, messageEnd(reader));
      if (attribute.ref && refs) refs[attribute.name] = attribute.ref;
      else if (attribute.value !== undefined) node.attributes[attribute.name] = attribute.value;
    } else reader.skipType(tag & 7);
  }
}

// AttributeProto.type: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8. A scalar left off the
// wire has its proto2 default (0, '').
function readAttribute(reader: Reader, end: number): { name: string; ref?: string; value?: AttributeValue } {
  let name = '';
  let ref: string | undefined;
  let type = 0;
  let scalar: AttributeValue | undefined;
  let list: number[] | undefined;
  let strings: string[] | undefined;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 1) name = reader.string();
    else if (field === 21) ref = reader.string();
    else if (field === 20) type = reader.int32();
    else if (field === 2) scalar = reader.float();
    else if (field === 3) scalar = int64(reader);
    else if (field === 4) scalar = utf8.decode(reader.bytes());
    else if (field === 5) scalar = readTensor(reader, messageEnd(reader));
    else if (field === 6) scalar = readGraph(reader, messageEnd(reader));
    else if (field === 7 || field === 8) {
      list ??= [];
      readRepeated(reader, wireType, field === 7 ? readFloat : int64, list);
    } else if (field === 9) {
      strings ??= [];
      strings.push(utf8.decode(reader.bytes()));
    } else reader.skipType(wireType);
  }
  if (ref) return { name, ref };
  if (type === 1 || type === 2) return { name, value: scalar ?? 0 };
  if (type === 3) return { name, value: scalar ?? '' };
  if (type === 4 || type === 5) return { name, ...(scalar === undefined ? {} : { value: scalar }) };
  if (type === 6 || type === 7) return { name, value: list ?? [] };
  if (type === 8) return { name, value: strings ?? [] };
  return { name };
}

const dataFields: Record<number, EncodedTensorData['field']> = { 4: 'float', 5: 'int32', 7: 'int64', 9: 'raw', 10: 'double', 11: 'uint64' };

function readTensor(reader: Reader, end: number): GraphTensor {
  const tensor: GraphTensor = { name: '', dims: [], dataType: 0 };
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 1) readRepeated(reader, wireType, int64, tensor.dims);
    else if (field === 2) tensor.dataType = reader.int32();
    else if (field === 8) tensor.name = reader.string();
    else {
      const dataField = dataFields[field];
      // onnx.proto declares the typed data fields packed: one length-delimited run, kept as a view of the file.
      if (dataField === undefined || wireType !== 2) {
        reader.skipType(wireType);
        continue;
      }
      const bytes = reader.bytes();
      if (bytes.length > 0 && tensor.encoded === undefined) tensor.encoded = { field: dataField, bytes };
    }
  }
  return tensor;
}

function readValueInfo(reader: Reader, end: number): GraphValue {
  const value: GraphValue = { name: '', dataType: 0 };
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1) value.name = reader.string();
    else if (field === 2) readTypeProto(reader, messageEnd(reader), value);
    else reader.skipType(tag & 7);
  }
  return value;
}

/** TypeProto: its tensor_type's element type and shape. */
function readTypeProto(reader: Reader, end: number, value: GraphValue): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1) {
      reader.skipType(tag & 7);
      continue;
    }
    const tensorEnd = messageEnd(reader);
    while (reader.pos < tensorEnd) {
      const inner = reader.uint32();
      const field = inner >>> 3;
      if (field === 1) value.dataType = reader.int32();
      else if (field === 2) value.dims = readShape(reader, messageEnd(reader));
      else reader.skipType(inner & 7);
    }
  }
}

function readShape(reader: Reader, end: number): Array<number | string | undefined> {
  const dims: Array<number | string | undefined> = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1) {
      reader.skipType(tag & 7);
      continue;
    }
    let dim: number | string | undefined;
    const dimEnd = messageEnd(reader);
    while (reader.pos < dimEnd) {
      const inner = reader.uint32();
      const field = inner >>> 3;
      if (field === 1) dim = int64(reader);
      else if (field === 2) dim = reader.string();
      else reader.skipType(inner & 7);
    }
    dims.push(dim === '' ? undefined : dim);
  }
  return dims;
}

function readFunction(reader: Reader, end: number): FunctionDefinition {
  const fn: FunctionDefinition = { name: '', domain: '', inputs: [], outputs: [], defaults: {}, nodes: [] };
  readFields(reader, end, (field) => {
    if (field === 1) fn.name = reader.string();
    else if (field === 10) fn.domain = normalizeDomain(reader.string());
    else if (field === 4) fn.inputs.push(reader.string());
    else if (field === 5) fn.outputs.push(reader.string());
    else if (field === 7) {
      const refs: Record<string, string> = {};
      fn.nodes.push({ node: readNode(reader, messageEnd(reader), refs), refs });
    } else if (field === 11) {
      const attribute = readAttribute(reader, messageEnd(reader));
      if (attribute.value !== undefined) fn.defaults[attribute.name] = attribute.value;
    } else return false;
    return true;
  });
  return fn;
}
