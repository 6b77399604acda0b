import v8 from 'node:v8';
import type { Command } from 'commander';
import type { FlopsReport } from '../../flops/types.js';
import { UsageError } from '../../model/errors.js';
import type { CliContext } from '../context.js';
import { collect, integerOption } from '../options.js';

interface FlopsFlags {
  batch?: number;
  input?: string[];
  json?: boolean;
  perNode?: boolean;
  training?: boolean;
}

// V8 optimizes a function with TurboFan once it has run through this many bytes of bytecode; the default is 66 KB.
// A count is ~60 ms of cold code, over before most of those compilations (on a helper thread, competing for a core)
// pay back: with four times the budget, `runmeter flops` on a 3,000-node graph took ~25 ms less on a 2-core
// machine, and a 30,000-node graph the same time. The process runs nothing else, so no other command is affected.
const countInterruptBudget = 4 * 66 * 1024;

/** `runmeter flops MODEL`: count the FLOPs of a model from its ONNX graph or TF.js topology. */
export function register(program: Command, context: CliContext): void {
  program
    .command('flops')
    .argument('<model>', 'an .onnx file, a TF.js model.json, or a folder holding a model.json or one .onnx file')
    .description('count the MACs, FLOPs and parameters of a model from its ONNX graph or TF.js topology, without running it')
    .option('--batch <n>', 'batch size: fills symbolic first dims, scales graphs exported with a fixed batch (default 1)', integerOption('--batch'))
    .option('--input <name=dims>', 'dims of an input, e.g. input_ids=8x128 (repeatable); symbols it fills apply to every input', collect)
    .option('--json', 'print JSON: macs, flops, params, by_op, inputs, unknown_ops, warnings')
    .option('--per-node', 'list every node (or layer) with its shape and cost')
    .option('--training', 'count forward and backward passes (3 × forward)')
    .action(async (model: string, flags: FlopsFlags) => {
      const inputs = parseInputs(flags.input ?? []);
      v8.setFlagsFromString(`--interrupt-budget=${countInterruptBudget}`);
      // Loaded here, not at the top: the command's start-up is what users wait for, and only the model's reader loads.
      const { countModelFile } = await import('../../flops/count-file.js');
      // The path, not its bytes: every error reading the model then names the file.
      const report = await countModelFile(model, {
        ...(flags.batch !== undefined ? { batch: flags.batch } : {}),
        ...(inputs ? { inputs } : {}),
        training: flags.training === true,
        perNode: flags.perNode === true,
      });
      if (flags.json) {
        context.stdout.write(`${JSON.stringify(reportJson(model, report), null, 2)}\n`);
        return;
      }
      // The table renderer (and its East Asian width data) loads only for a table: --json never pays for it.
      const { renderTable } = await import('../table.js');
      context.stdout.write(renderReport(model, report, flags.perNode === true, renderTable));
      for (const warning of report.warnings) context.stderr.write(`runmeter: warning: ${warning}\n`);
    });
}

/** Parses `--input NAME=DIMS` values; DIMS separated by x, × or commas. */
export function parseInputs(values: string[]): Record<string, number[]> | undefined {
  if (values.length === 0) return undefined;
  const inputs: Record<string, number[]> = {};
  const given = new Map<string, string>();
  for (const value of values) {
    const eq = value.lastIndexOf('=');
    const dims =
      eq > 0
        ? value
            .slice(eq + 1)
            .split(/[x×,X]/)
            .map((dim) => Number(dim.trim()))
        : [];
    if (eq <= 0 || dims.length === 0 || dims.some((dim) => !Number.isInteger(dim) || dim <= 0)) {
      throw new UsageError(`--input expects NAME=DIMS with positive integer dims, such as input_ids=8x128, got "${value}"`);
    }
    const name = value.slice(0, eq);
    const earlier = given.get(name);
    if (earlier !== undefined) throw new UsageError(`--input ${name} is given twice ("${earlier}" and "${value}"): give each input once`);
    given.set(name, value);
    inputs[name] = dims;
  }
  return inputs;
}

function reportJson(model: string, report: FlopsReport) {
  return {
    model,
    format: report.format,
    batch: report.batch,
    training: report.passes > 1,
    macs: report.macs,
    flops: report.flops,
    params: report.params,
    inputs: report.inputs,
    by_op: report.byOp,
    unknown_ops: report.unknownOps,
    warnings: report.warnings,
    ...(report.nodes ? { nodes: report.nodes.map(({ opType, ...node }) => ({ ...node, op: opType })) } : {}),
  };
}

/** 1234567 → "1.23 M": counts with SI prefixes, the way model sizes are quoted. */
export function formatCount(value: number): string {
  const prefixes = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  let scaled = value;
  let index = 0;
  while (Math.abs(scaled) >= 1000 && index < prefixes.length - 1) {
    scaled /= 1000;
    index += 1;
  }
  return index === 0 ? String(value) : `${scaled.toFixed(2)} ${prefixes[index]}`;
}

function renderReport(model: string, report: FlopsReport, perNode: boolean, renderTable: typeof import('../table.js').renderTable): string {
  const inputs = Object.entries(report.inputs).map(([name, dims]) => `${name} [${dims?.join(', ') ?? '?'}]`);
  const lines = [
    `${model} (${report.format === 'onnx' ? 'ONNX' : 'TF.js'}${report.passes > 1 ? ', training: forward + backward' : ''})`,
    `inputs  ${inputs.join('  ') || '(none)'}`,
    `MACs    ${formatCount(report.macs)}`,
    `FLOPs   ${formatCount(report.flops)}`,
    `params  ${formatCount(report.params)}`,
    '',
  ];
  const share = (flops: number) => (report.flops > 0 ? `${((100 * flops) / report.flops).toFixed(1)}%` : '-');
  const opRows = Object.entries(report.byOp).map(([op, totals]) => [
    op,
    String(totals.nodes),
    formatCount(totals.macs),
    formatCount(totals.flops),
    share(totals.flops),
  ]);
  let text = `${lines.join('\n')}\n${renderTable(['OP', 'NODES', 'MACS', 'FLOPS', 'SHARE'], opRows, { rightAlign: [1, 2, 3, 4] })}`;
  if (perNode && report.nodes) {
    const nodeRows = report.nodes.map((node) => [
      node.name,
      node.opType,
      node.shape ? `[${node.shape.join(',')}]` : '?',
      formatCount(node.macs),
      formatCount(node.flops),
      node.note ?? '',
    ]);
    text += `\n${renderTable(['NODE', 'OP', 'SHAPE', 'MACS', 'FLOPS', 'NOTE'], nodeRows, { rightAlign: [3, 4] })}`;
  }
  if (report.unknownOps.length > 0) text += `\nunknown operators (counted as 0): ${report.unknownOps.join(', ')}\n`;
  return text;
}
