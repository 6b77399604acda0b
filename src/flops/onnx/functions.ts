import type { AttributeValue, GraphNode } from '../types.js';

// Exporters may wrap modules in ONNX local functions (ModelProto.functions); a call node names one by domain and
// op_type. Counting works on plain operators, so each call is replaced by the function's body, its tensors renamed
// under the call's name and attributes that refer to the call's (ref_attr_name) filled from it.

/** A decoded FunctionProto: its body's nodes with the attributes each takes from the call (attribute → call's name). */
export interface FunctionDefinition {
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Default values of the function's attributes (FunctionProto.attribute_proto). */
  defaults: Record<string, AttributeValue>;
  nodes: Array<{ node: GraphNode; refs: Record<string, string> }>;
}

const maxDepth = 32;

/** Replaces calls of local functions by their bodies, recursively. */
export function inlineLocalFunctions(nodes: GraphNode[], functions: FunctionDefinition[]): GraphNode[] {
  const byKey = new Map(functions.map((fn) => [`${fn.domain}:${fn.name}`, fn]));
  let counter = 0;
  const expand = (list: GraphNode[], depth: number): GraphNode[] => {
    const result: GraphNode[] = [];
    for (const node of list) {
      const fn = byKey.get(`${node.domain}:${node.opType}`);
      if (fn === undefined || depth >= maxDepth) {
        result.push(node);
        continue;
      }
      const prefix = `${node.name || fn.name}/${counter++}/`;
      result.push(...expand(instantiate(fn, node, prefix), depth + 1));
    }
    return result;
  };
  return expand(nodes, 0);
}

function instantiate(fn: FunctionDefinition, call: GraphNode, prefix: string): GraphNode[] {
  const rename = new Map<string, string>([['', '']]);
  fn.inputs.forEach((formal, index) => {
    rename.set(formal, call.inputs[index] ?? '');
  });
  fn.outputs.forEach((formal, index) => {
    rename.set(formal, call.outputs[index] ?? `${prefix}${formal}`);
  });
  const local = (name: string) => rename.get(name) ?? `${prefix}${name}`;
  return fn.nodes.map(({ node, refs }) => {
    const attributes = { ...node.attributes };
    for (const [attribute, ref] of Object.entries(refs)) {
      const value = call.attributes[ref] ?? fn.defaults[ref];
      if (value !== undefined) attributes[attribute] = value;
    }
    return { ...node, name: `${prefix}${node.name}`, inputs: node.inputs.map(local), outputs: node.outputs.map(local), attributes };
  });
}
