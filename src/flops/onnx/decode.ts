import { RunmeterError } from '../../model/errors.js';
import type { AttributeValue, GraphNode, GraphTensor, GraphValue, ModelGraph } from '../types.js';
import { inlineLocalFunctions } from './functions.js';
import { modelProto } from './schema.js';

// Shapes of the decoded protobuf messages (field names as in onnx.proto); int64 fields arrive as Long objects.
type Int64 = number | { toNumber(): number };
interface ProtoTensor {
  name: string;
  dims: Int64[];
  data_type: number;
  raw_data?: Uint8Array;
  float_data?: Uint8Array;
  double_data?: Uint8Array;
  int32_data?: Uint8Array;
  int64_data?: Uint8Array;
  uint64_data?: Uint8Array;
}
/** An AttributeProto, as decoded. */
export interface ProtoAttribute {
  name: string;
  ref_attr_name: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t?: ProtoTensor;
  g?: ProtoGraph;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
}
/** A NodeProto, as decoded. */
export interface ProtoNode {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  attribute: ProtoAttribute[];
}
interface ProtoValueInfo {
  name: string;
  type?: { tensor_type?: { elem_type: number; shape?: { dim: Array<{ dim_value?: Int64; dim_param?: string }> } } };
}
interface ProtoGraph {
  node: ProtoNode[];
  initializer: ProtoTensor[];
  input: ProtoValueInfo[];
  output: ProtoValueInfo[];
  value_info: ProtoValueInfo[];
}
interface ProtoOpset {
  domain: string;
  version: Int64;
}
/** An ONNX local function (ModelProto.functions), as decoded. */
export interface ProtoFunction {
  name: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: string[];
  attribute_proto: ProtoAttribute[];
  node: ProtoNode[];
}
interface ProtoModel {
  opset_import: ProtoOpset[];
  producer_name: string;
  producer_version: string;
  graph?: ProtoGraph;
  functions: ProtoFunction[];
}

const utf8 = new TextDecoder();

function num(value: Int64): number {
  return typeof value === 'number' ? value : value.toNumber();
}

/** Decodes an ONNX ModelProto into a ModelGraph, reading no tensor data. */
export function decodeOnnx(bytes: Uint8Array, source = 'the model'): ModelGraph {
  let model: ProtoModel;
  try {
    model = modelProto.decode(bytes) as unknown as ProtoModel;
  } catch (error) {
    throw new RunmeterError('E_MODEL', `${source} is not an ONNX model: expected a protobuf ModelProto, got a decoding error (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (model.graph === undefined || model.graph === null || (model.graph.node.length === 0 && model.graph.input.length === 0)) {
    throw new RunmeterError('E_MODEL', `${source} is not an ONNX model: expected a ModelProto with a graph, found none`);
  }
  const opsets: Record<string, number> = {};
  for (const opset of model.opset_import) opsets[normalizeDomain(opset.domain)] = num(opset.version);
  const graph = decodeGraph(model.graph);
  graph.opsets = opsets;
  if (model.producer_name) graph.producer = `${model.producer_name} ${model.producer_version}`.trim();
  if (model.functions.length > 0) graph.nodes = inlineLocalFunctions(graph.nodes, model.functions, decodeNode, decodeAttribute);
  return graph;
}

/** '' and 'ai.onnx' both name the standard operator set. */
export function normalizeDomain(domain: string | undefined): string {
  return domain === undefined || domain === 'ai.onnx' ? '' : domain;
}

function decodeGraph(graph: ProtoGraph): ModelGraph {
  return {
    format: 'onnx',
    opsets: {},
    nodes: graph.node.map(decodeNode),
    inputs: graph.input.map(decodeValueInfo),
    outputs: graph.output.map(decodeValueInfo),
    valueInfo: graph.value_info.map(decodeValueInfo),
    initializers: graph.initializer.map(decodeTensor),
  };
}

function decodeNode(node: ProtoNode): GraphNode {
  const attributes: Record<string, AttributeValue> = {};
  for (const attribute of node.attribute) {
    const value = decodeAttribute(attribute);
    if (value !== undefined) attributes[attribute.name] = value;
  }
  return { opType: node.op_type, domain: normalizeDomain(node.domain), name: node.name, inputs: node.input, outputs: node.output, attributes };
}

// AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8.
function decodeAttribute(attribute: ProtoAttribute): AttributeValue | undefined {
  switch (attribute.type) {
    case 1:
      return attribute.f;
    case 2:
      return num(attribute.i);
    case 3:
      return utf8.decode(attribute.s);
    case 4:
      return attribute.t ? decodeTensor(attribute.t) : undefined;
    case 5:
      return attribute.g ? decodeGraph(attribute.g) : undefined;
    case 6:
      return [...attribute.floats];
    case 7:
      return attribute.ints.map(num);
    case 8:
      return attribute.strings.map((s) => utf8.decode(s));
    default:
      return undefined;
  }
}

function decodeTensor(tensor: ProtoTensor): GraphTensor {
  const decoded: GraphTensor = { name: tensor.name, dims: tensor.dims.map(num), dataType: tensor.data_type };
  const fields = [
    ['raw', tensor.raw_data],
    ['int64', tensor.int64_data],
    ['int32', tensor.int32_data],
    ['float', tensor.float_data],
    ['double', tensor.double_data],
    ['uint64', tensor.uint64_data],
  ] as const;
  for (const [field, bytes] of fields) {
    if (bytes !== undefined && bytes !== null && bytes.length > 0) {
      decoded.encoded = { field, bytes };
      break;
    }
  }
  return decoded;
}

function decodeValueInfo(info: ProtoValueInfo): GraphValue {
  const tensorType = info.type?.tensor_type;
  const value: GraphValue = { name: info.name, dataType: tensorType?.elem_type ?? 0 };
  const shape = tensorType?.shape;
  if (shape !== undefined && shape !== null) {
    value.dims = shape.dim.map((dim) => {
      if (dim.dim_param) return dim.dim_param;
      // proto2 leaves an unset dim_value at its default: only a set one (a Long or positive number) is a size.
      const size = dim.dim_value === undefined || dim.dim_value === null ? 0 : num(dim.dim_value);
      return Object.hasOwn(dim, 'dim_value') ? size : undefined;
    });
  }
  return value;
}
