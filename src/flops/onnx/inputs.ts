import { UsageError } from '../../model/errors.js';
import type { CountOptions, GraphValue, ModelGraph } from '../types.js';

// Giving the graph's inputs concrete shapes. Symbolic dims (`batch`, `sequence`) are bound by name: a dim given
// for one input binds its symbol for every input and for value_info. --batch fills a leading symbol left unbound.

/** The graph's inputs with concrete dims (undefined where a dim has no value), and what it took to get there. */
export interface ResolvedInputs {
  shapes: Map<string, number[] | undefined>;
  symbols: Map<string, number>;
  warnings: string[];
  /** Batch scaling for graphs exported with a fixed batch: counts are multiplied by this. */
  scale: number;
  /** The batch the counts are for: `batch` where it was applied, else the inputs' leading dim. */
  batch: number;
}

/** Inputs the model needs to be fed (graph inputs that are not initializers). */
export function feedInputs(graph: ModelGraph): GraphValue[] {
  const initialized = new Set(graph.initializers.map((tensor) => tensor.name));
  return graph.inputs.filter((input) => !initialized.has(input.name));
}

/** Binds symbolic dims from the options and resolves every input's shape. */
export function resolveInputs(graph: ModelGraph, options: CountOptions): ResolvedInputs {
  const inputs = feedInputs(graph);
  const given = options.inputs ?? {};
  const names = inputs.map((input) => input.name);
  for (const name of Object.keys(given)) {
    if (!names.includes(name)) throw new UsageError(`--input ${name}: the model has no input named "${name}"; its inputs are ${names.join(', ') || '(none)'}`);
  }
  const symbols = new Map<string, number>();
  const warnings: string[] = [];
  for (const input of inputs) {
    const dims = given[input.name];
    if (dims === undefined) continue;
    const declared = input.dims;
    if (declared !== undefined && declared.length !== dims.length) {
      throw new UsageError(
        `--input ${input.name}=${dims.join('x')}: expected ${declared.length} dims (${declared.map((d) => d ?? '?').join('x')}), got ${dims.length}`,
      );
    }
    declared?.forEach((dim, axis) => {
      if (typeof dim === 'string') symbols.set(dim, dims[axis] as number);
      else if (typeof dim === 'number' && dim !== dims[axis]) {
        warnings.push(`input ${input.name} dim ${axis} is fixed at ${dim} in the graph; counting with ${dims[axis]} as given`);
      }
    });
  }
  const batch = options.batch ?? 1;
  let batchApplied = false;
  for (const input of inputs) {
    const first = input.dims?.[0];
    if (given[input.name] !== undefined) continue;
    if (typeof first === 'string' && !symbols.has(first)) symbols.set(first, batch);
    if ((typeof first === 'string' && symbols.get(first) === batch) || (first === undefined && input.dims !== undefined && input.dims.length > 0))
      batchApplied = true;
  }
  const shapes = new Map<string, number[] | undefined>();
  for (const input of inputs) {
    const explicit = given[input.name];
    if (explicit !== undefined) {
      shapes.set(input.name, [...explicit]);
      continue;
    }
    const missing: string[] = [];
    const dims = (input.dims ?? []).map((dim, axis) => {
      if (typeof dim === 'number') return dim;
      if (dim === undefined && axis === 0) return batch;
      const bound = dim === undefined ? undefined : symbols.get(dim);
      if (bound === undefined) missing.push(`dim ${axis} (${dim ?? 'unnamed'})`);
      return bound ?? 0;
    });
    if (input.dims === undefined) missing.push('its shape');
    if (missing.length > 0) warnings.push(`input ${input.name} has no value for ${missing.join(', ')}: give it with --input ${input.name}=DIMS`);
    shapes.set(input.name, missing.length > 0 ? undefined : dims);
  }
  return { shapes, symbols, warnings, ...batchCounted(graph, inputs, given, shapes, options.batch, batchApplied, warnings) };
}

/** The batch the counts are for, and the scale for a graph exported with a fixed batch; says when `batch` could not apply. */
function batchCounted(
  graph: ModelGraph,
  inputs: GraphValue[],
  given: Record<string, number[]>,
  shapes: Map<string, number[] | undefined>,
  batch: number | undefined,
  applied: boolean,
  warnings: string[],
): { scale: number; batch: number } {
  if (applied) return { scale: 1, batch: batch ?? 1 };
  const leading = [...shapes.values()].find((dims) => dims !== undefined && dims.length > 0)?.[0];
  const fixed = fixedBatch(graph, inputs, given);
  if (batch === undefined || batch === (fixed?.batch ?? leading)) return { scale: 1, batch: fixed?.batch ?? leading ?? batch ?? 1 };
  if (fixed?.surely) {
    warnings.push(`the graph was exported with a fixed batch of ${fixed.batch}: counted at ${fixed.batch} and scaled to ${batch}`);
    return { scale: batch / fixed.batch, batch };
  }
  const why =
    fixed !== undefined
      ? `the inputs' fixed leading dim ${fixed.batch} may not be a batch (${fixed.doubt})`
      : Object.keys(given).length > 0
        ? 'the inputs are given with --input'
        : 'no input has a symbolic leading dim';
  warnings.push(`--batch ${batch} not applied: ${why}; counted as the inputs are${leading === undefined ? '' : `, at ${leading}`}`);
  return { scale: 1, batch: leading ?? batch };
}

/**
 * The fixed batch of a graph exported without a symbolic one: the leading dim every input shares. It is surely the batch
 * when it is 1 (torch.onnx.export with a dummy batch of 1) or the outputs' leading dim too, and no output declares another;
 * any other fixed dim may be anything (a Gemm's 7 rows). Undefined when inputs were given or do not share a fixed dim.
 */
function fixedBatch(graph: ModelGraph, inputs: GraphValue[], given: Record<string, number[]>): { batch: number; surely: boolean; doubt: string } | undefined {
  if (inputs.length === 0 || Object.keys(given).length > 0) return undefined;
  const firsts = inputs.map((input) => input.dims?.[0]);
  const batch = firsts[0];
  if (typeof batch !== 'number' || batch <= 0 || !firsts.every((dim) => dim === batch)) return undefined;
  const outputFirsts = [...new Set(graph.outputs.map((output) => output.dims?.[0]).filter((dim) => typeof dim === 'number'))];
  const surely = outputFirsts.every((dim) => dim === batch) && (batch === 1 || outputFirsts.length > 0);
  const doubt = outputFirsts.length === 0 ? 'no output declares it' : `the outputs' leading dims are ${outputFirsts.join(', ')}`;
  return { batch, surely, doubt };
}

/** Dims of a declared value with its symbols bound, or undefined when one has no value. */
export function bindDims(value: GraphValue | undefined, symbols: Map<string, number>): number[] | undefined {
  if (value?.dims === undefined) return undefined;
  const dims: number[] = [];
  for (const dim of value.dims) {
    const size = typeof dim === 'number' ? dim : dim === undefined ? undefined : symbols.get(dim);
    if (size === undefined) return undefined;
    dims.push(size);
  }
  return dims;
}
