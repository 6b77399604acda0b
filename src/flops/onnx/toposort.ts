import type { GraphNode, ModelGraph } from '../types.js';

const controlFlow = new Set(['If', 'Loop', 'Scan', 'SequenceMap']);

/** Names a node reads: its inputs, and the outer-scope names its subgraphs (If, Loop, Scan branches and bodies) use. */
export function readsOf(node: GraphNode): string[] {
  // Only control flow (and operators outside the standard domain) carry graphs; the rest need no look at attributes.
  if (node.domain === '' && !controlFlow.has(node.opType)) return node.inputs;
  let reads: Set<string> | undefined;
  for (const key in node.attributes) {
    const value = node.attributes[key];
    if (typeof value !== 'object' || value === null || !('nodes' in value)) continue;
    reads ??= new Set(node.inputs);
    for (const name of outerNames(value)) reads.add(name);
  }
  return reads === undefined ? node.inputs : [...reads];
}

/** Names a subgraph reads from the scopes around it. */
function outerNames(graph: ModelGraph): Set<string> {
  const local = new Set<string>([...graph.inputs.map((input) => input.name), ...graph.initializers.map((tensor) => tensor.name)]);
  for (const node of graph.nodes) for (const output of node.outputs) local.add(output);
  const outer = new Set<string>();
  for (const node of graph.nodes) for (const name of readsOf(node)) if (name !== '' && !local.has(name)) outer.add(name);
  for (const output of graph.outputs) if (!local.has(output.name)) outer.add(output.name);
  return outer;
}

/** Nodes in an order where every node comes after the producers of its inputs (ONNX asks for it; not all files obey). */
export function topologicalOrder(nodes: GraphNode[]): GraphNode[] {
  if (inOrder(nodes)) return nodes;
  const producer = new Map<string, number>();
  nodes.forEach((node, index) => {
    for (const output of node.outputs) if (output !== '') producer.set(output, index);
  });
  const waitingOn = new Array<number>(nodes.length).fill(0);
  const consumers: number[][] = nodes.map(() => []);
  nodes.forEach((node, index) => {
    for (const input of new Set(readsOf(node))) {
      const from = producer.get(input);
      if (from === undefined || from === index) continue;
      waitingOn[index] = (waitingOn[index] as number) + 1;
      consumers[from]?.push(index);
    }
  });
  const ready = nodes.map((_, index) => index).filter((index) => waitingOn[index] === 0);
  const order: GraphNode[] = [];
  for (let cursor = 0; cursor < ready.length; cursor++) {
    const index = ready[cursor] as number;
    order.push(nodes[index] as GraphNode);
    for (const next of consumers[index] ?? []) {
      waitingOn[next] = (waitingOn[next] as number) - 1;
      if (waitingOn[next] === 0) ready.push(next);
    }
  }
  // Nodes caught in a cycle keep their place at the end; their inputs stay unknown.
  if (order.length < nodes.length) {
    const placed = new Set(order);
    for (const node of nodes) if (!placed.has(node)) order.push(node);
  }
  return order;
}

/** True when no node reads an output that a later node produces: the common case, checked in one pass. */
function inOrder(nodes: GraphNode[]): boolean {
  // Indexed loops: this runs once per process, cold, where each for-of step allocates an iterator result.
  const later = new Set<string>();
  for (let n = 0; n < nodes.length; n++) {
    const outputs = (nodes[n] as GraphNode).outputs;
    for (let i = 0; i < outputs.length; i++) later.add(outputs[i] as string);
  }
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n] as GraphNode;
    for (let i = 0; i < node.outputs.length; i++) later.delete(node.outputs[i] as string);
    const reads = readsOf(node);
    for (let i = 0; i < reads.length; i++) if (later.has(reads[i] as string)) return false;
  }
  return true;
}
