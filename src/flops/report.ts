import type { FlopsReport, NodeCount, OpTotals } from './types.js';

// Turning per-node counts into the report both readers return.

interface ReportParts {
  format: FlopsReport['format'];
  nodes: NodeCount[];
  params: number;
  batch: number;
  inputs: FlopsReport['inputs'];
  unknownOps: Iterable<string>;
  warnings: string[];
  /** Multiplies every count: 3 for training, batch scaling for graphs exported with a fixed batch. */
  scale: number;
  passes: number;
  perNode: boolean;
}

/** Sums node counts into totals and a per-operator table (largest flops first). */
export function buildReport(parts: ReportParts): FlopsReport {
  const byOp = new Map<string, OpTotals>();
  let macs = 0;
  let flops = 0;
  const nodes = parts.scale === 1 ? parts.nodes : parts.nodes.map((node) => ({ ...node, macs: node.macs * parts.scale, flops: node.flops * parts.scale }));
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as NodeCount;
    macs += node.macs;
    flops += node.flops;
    const totals = byOp.get(node.opType) ?? { nodes: 0, macs: 0, flops: 0 };
    totals.nodes += 1;
    totals.macs += node.macs;
    totals.flops += node.flops;
    byOp.set(node.opType, totals);
  }
  // Plain code-point order for ties: localeCompare would load ICU's collator, a noticeable cost in a cold process.
  const sorted = [...byOp.entries()].sort(([nameA, a], [nameB, b]) => b.flops - a.flops || b.nodes - a.nodes || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0));
  const report: FlopsReport = {
    format: parts.format,
    macs,
    flops,
    params: parts.params,
    passes: parts.passes,
    batch: parts.batch,
    byOp: Object.fromEntries(sorted),
    inputs: parts.inputs,
    unknownOps: [...new Set(parts.unknownOps)].sort(),
    warnings: parts.warnings,
  };
  if (parts.perNode) report.nodes = nodes;
  return report;
}
