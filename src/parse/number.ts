const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const special: Record<string, number> = {
  nan: Number.NaN,
  '-nan': Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '+infinity': Number.POSITIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};

/**
 * A metric value as logs print it: `0.4097`, `1.0000e-04`, `1654`, `nan`, `inf`, `-inf`, `NaN`, `Infinity`.
 * Undefined for anything else, so `0s`, `12ms/step` or `ok` are never taken for numbers.
 */
export function parseMetricNumber(text: string): number | undefined {
  if (decimal.test(text)) return Number(text);
  if (text.length > 9) return undefined;
  return special[text.toLowerCase()];
}

/** Metric names as printed by the formats that name metrics freely: a letter or `_` first, no spaces. */
export const metricNamePattern = /^[A-Za-z_][\w./@-]*$/;
