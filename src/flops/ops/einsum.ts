import { type OpCall, type OpRule, ShapeError } from './rule.js';
import { broadcast, product } from './shape-math.js';

// Einsum: with two or more operands, every combination of the distinct indices is one multiply-accumulate
// (MACs = ∏ of all index sizes, ellipsis dims included), the cost of a direct loop; one operand (a transpose, a
// diagonal or a sum) costs one FLOP per input element when it reduces, nothing otherwise.

interface EinsumPlan {
  output: number[];
  /** Product of the sizes of every distinct index and of the broadcast ellipsis dims. */
  loop: number;
}

/** Plans an Einsum equation over the given input shapes. */
export function planEinsum(equation: string, shapes: ReadonlyArray<readonly number[]>): EinsumPlan {
  const compact = equation.replace(/\s+/g, '');
  const [left = '', right] = compact.split('->');
  const terms = left.split(',');
  if (terms.length !== shapes.length) throw new ShapeError(`equation "${equation}" names ${terms.length} operands, the node has ${shapes.length}`);
  const sizes = new Map<string, number>();
  const counts = new Map<string, number>();
  const ellipsisShapes: number[][] = [];
  terms.forEach((term, index) => {
    const shape = shapes[index] as readonly number[];
    const [before = '', after = ''] = term.split('...');
    const hasEllipsis = term.includes('...');
    const ellipsisRank = shape.length - before.length - after.length;
    if (ellipsisRank < 0 || (!hasEllipsis && ellipsisRank !== 0)) throw new ShapeError(`term "${term}" does not fit shape [${shape}]`);
    if (hasEllipsis) ellipsisShapes.push(shape.slice(before.length, before.length + ellipsisRank));
    const bind = (letters: string, offset: number) => {
      [...letters].forEach((letter, position) => {
        const size = shape[offset + position] as number;
        const known = sizes.get(letter);
        if (known !== undefined && known !== size && known !== 1 && size !== 1) throw new ShapeError(`index ${letter} is both ${known} and ${size}`);
        sizes.set(letter, known === undefined || known === 1 ? size : known);
        counts.set(letter, (counts.get(letter) ?? 0) + 1);
      });
    };
    bind(before, 0);
    bind(after, before.length + ellipsisRank);
  });
  const ellipsis = broadcast(...ellipsisShapes);
  const outputTerm =
    right ??
    `...${[...counts.keys()]
      .filter((letter) => counts.get(letter) === 1)
      .sort()
      .join('')}`;
  const [outBefore = '', outAfter = ''] = outputTerm.split('...');
  const letterSizes = (letters: string) =>
    [...letters].map((letter) => {
      const size = sizes.get(letter);
      if (size === undefined) throw new ShapeError(`output index ${letter} appears in no input`);
      return size;
    });
  const output = outputTerm.includes('...') ? [...letterSizes(outBefore), ...ellipsis, ...letterSizes(outAfter)] : letterSizes(outBefore);
  return { output, loop: product([...sizes.values()]) * product(ellipsis) };
}

function shapes(call: OpCall): number[][] {
  return call.node.inputs.map((_, index) => call.shape(index));
}

/** The Einsum rule. */
export const einsumRule: OpRule = {
  infer(call) {
    const plan = planEinsum(call.string('equation', ''), shapes(call));
    return [{ shape: plan.output, dataType: call.input(0).dataType }];
  },
  cost(call) {
    const all = shapes(call);
    const plan = planEinsum(call.string('equation', ''), all);
    if (all.length >= 2) return { macs: plan.loop, flops: 0 };
    const input = product(all[0] ?? []);
    return { macs: 0, flops: product(plan.output) < input ? input : 0 };
  },
};
