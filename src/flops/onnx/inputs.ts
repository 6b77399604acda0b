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
  for (const input of inputs) {
    const first = input.dims?.[0];
    if (given[input.name] === undefined && typeof first === 'string' && !symbols.has(first)) symbols.set(first, batch);
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
  return { shapes, symbols, warnings, scale: fixedBatchScale(inputs, given, options.batch, warnings) };
}

/** A graph exported with a fixed batch is counted at that batch and scaled to the one asked for. */
function fixedBatchScale(inputs: GraphValue[], given: Record<string, number[]>, batch: number | undefined, warnings: string[]): number {
  if (batch === undefined || inputs.length === 0 || Object.keys(given).length > 0) return 1;
  const firsts = inputs.map((input) => input.dims?.[0]);
  if (!firsts.every((dim) => typeof dim === 'number' && dim > 0 && dim === firsts[0])) return 1;
  const fixed = firsts[0] as number;
  if (fixed === batch) return 1;
  warnings.push(`the graph was exported with a fixed batch of ${fixed}: counted at ${fixed} and scaled to ${batch}`);
  return batch / fixed;
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
