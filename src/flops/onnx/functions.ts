import type { AttributeValue, GraphNode } from '../types.js';
import { normalizeDomain, type ProtoAttribute, type ProtoFunction, type ProtoNode } from './decode.js';

// Exporters may wrap modules in ONNX local functions (ModelProto.functions); a call node names one by domain and
// op_type. Counting works on plain operators, so each call is replaced by the function's body, its tensors renamed
// under the call's name and attributes that refer to the call's (ref_attr_name) filled from it.

const maxDepth = 32;

type DecodeNode = (node: ProtoNode) => GraphNode;
type DecodeAttribute = (attribute: ProtoAttribute) => AttributeValue | undefined;

/** Replaces calls of local functions by their bodies, recursively. */
export function inlineLocalFunctions(nodes: GraphNode[], functions: ProtoFunction[], decodeNode: DecodeNode, decodeAttribute: DecodeAttribute): GraphNode[] {
  const byKey = new Map(functions.map((fn) => [`${normalizeDomain(fn.domain)}:${fn.name}`, fn]));
  let counter = 0;
  const expand = (list: GraphNode[], depth: number): GraphNode[] => {
    const result: GraphNode[] = [];
    for (const node of list) {
      const fn = byKey.get(`${node.domain}:${node.opType}`);
      if (fn === undefined || depth >= maxDepth) {
        result.push(node);
        continue;
      }
      const prefix = `${node.name || `${fn.name}_${counter}`}/${counter++}/`;
      result.push(...expand(instantiate(fn, node, prefix, decodeNode, decodeAttribute), depth + 1));
    }
    return result;
  };
  return expand(nodes, 0);
}

function instantiate(fn: ProtoFunction, call: GraphNode, prefix: string, decodeNode: DecodeNode, decodeAttribute: DecodeAttribute): GraphNode[] {
  const rename = new Map<string, string>([['', '']]);
  fn.input.forEach((formal, index) => {
    rename.set(formal, call.inputs[index] ?? '');
  });
  fn.output.forEach((formal, index) => {
    rename.set(formal, call.outputs[index] ?? `${prefix}${formal}`);
  });
  const local = (name: string) => rename.get(name) ?? `${prefix}${name}`;
  const defaults = new Map<string, AttributeValue>();
  for (const attribute of fn.attribute_proto) {
    const value = decodeAttribute(attribute);
    if (value !== undefined) defaults.set(attribute.name, value);
  }
  return fn.node.map((protoNode) => {
    const node = decodeNode(protoNode);
    for (const attribute of protoNode.attribute) {
      if (!attribute.ref_attr_name) continue;
      const value = call.attributes[attribute.ref_attr_name] ?? defaults.get(attribute.ref_attr_name);
      if (value === undefined) delete node.attributes[attribute.name];
      else node.attributes[attribute.name] = value;
    }
    return { ...node, name: `${prefix}${node.name}`, inputs: node.inputs.map(local), outputs: node.outputs.map(local) };
  });
}
